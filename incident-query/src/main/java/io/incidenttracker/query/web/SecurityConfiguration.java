package io.incidenttracker.query.web;

import io.incidenttracker.platform.WebPlatformConfiguration;
import io.incidenttracker.platform.security.ApiSecurity;
import io.incidenttracker.platform.security.BrowserSessions;
import io.incidenttracker.platform.security.BrowserSignIn;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The query service's security: the web platform's filter chains (authentication, problems, headers, rate limit,
 * body limit) around this service's {@link AccessRules}. Two chains, because this service also serves the console:
 * requests with credentials of their own (tools: Basic or Bearer) stay stateless; every other request (a browser)
 * uses a session signed in by form (local profile) or by the OpenID Connect provider.
 */
@Configuration(proxyBeanMethods = false)
@Import({WebPlatformConfiguration.class, BrowserSignIn.class})
public class SecurityConfiguration {

    @Bean
    @Order(1)
    public SecurityFilterChain querySecurity(HttpSecurity http, ApiSecurity apiSecurity) throws Exception {
        return apiSecurity.toolFilterChain(http, AccessRules::apply);
    }

    @Bean
    @Order(2)
    public SecurityFilterChain consoleSecurity(HttpSecurity http, ApiSecurity apiSecurity,
                                               ObjectProvider<ClientRegistrationRepository> provider)
            throws Exception {
        return BrowserSessions.filterChain(http, apiSecurity, AccessRules::apply, provider.getIfAvailable());
    }
}
