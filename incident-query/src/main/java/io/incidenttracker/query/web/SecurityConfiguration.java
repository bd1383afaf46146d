package io.incidenttracker.query.web;

import io.incidenttracker.platform.WebPlatformConfiguration;
import io.incidenttracker.platform.security.ApiSecurity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The query service's security: the web platform's filter chain (authentication, problems, headers, rate limit,
 * body limit) around this service's {@link AccessRules}.
 */
@Configuration(proxyBeanMethods = false)
@Import(WebPlatformConfiguration.class)
public class SecurityConfiguration {

    @Bean
    public SecurityFilterChain querySecurity(HttpSecurity http, ApiSecurity apiSecurity) throws Exception {
        return apiSecurity.filterChain(http, AccessRules::apply);
    }
}
