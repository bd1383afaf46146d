package io.incidenttracker.platform.security;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConstructorArgumentValues.ValueHolder;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

import java.util.List;

/**
 * The security chains match requests by path pattern alone, without asking Spring MVC which handler a request
 * goes to. By default, Spring Security 6 makes each {@code requestMatchers("/path")} a matcher that looks the
 * request's handler up in Spring MVC's mappings, and registers the security chain behind a filter that does that
 * lookup once more, ahead of the chain, for every request (to cache it for those matchers). Profiled under load,
 * the two were about a fifth of the query service's CPU per plain read, which Spring MVC never dispatches
 * (docs/performance-log.md, "The security chain without Spring MVC's handler lookup").
 * <ul>
 *     <li>A {@link PathPatternRequestMatcher.Builder} bean: every pattern given to the security DSL becomes a
 *     {@link PathPatternRequestMatcher}, parsed by Spring MVC's own path pattern parser (the dispatcher is mapped at
 *     the root and matches no suffixes or trailing slashes, so each rule matches the same requests), as Spring
 *     Security 7 does by default.</li>
 *     <li>{@link #securityChainWithoutHandlerLookup}: the bean {@code springSecurityFilterChain} is registered
 *     without the lookup ahead of it, which no matcher uses any more. The filter that parses the request's path
 *     once for the path patterns stays.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class PathPatternMatching {

    /** The name under which the security chain is registered as a servlet filter. */
    static final String CHAIN = "springSecurityFilterChain";
    /** The composite that Spring Security registers in the chain's place when Spring MVC is present. */
    static final String COMPOSITE = EnableWebSecurity.class.getPackageName()
            + ".WebMvcSecurityConfiguration$CompositeFilterChainProxy";
    /** The filter in that composite that looks the handler up ahead of the chain. */
    static final String LOOKUP = EnableWebSecurity.class.getPackageName()
            + ".WebMvcSecurityConfiguration$HandlerMappingIntrospectorCacheFilterFactoryBean";

    @Bean
    public static PathPatternRequestMatcher.Builder pathPatternRequestMatcherBuilder() {
        return PathPatternRequestMatcher.withDefaults();
    }

    /**
     * Registers what the composite wraps under the chain's name again, without the lookup: a bean factory
     * post-processor runs after every registry post-processor, Spring Security's wrappings included. A composite of
     * another shape (a later Spring Security) stops the start, so that no upgrade changes the chain unseen.
     */
    @Bean
    public static BeanFactoryPostProcessor securityChainWithoutHandlerLookup() {
        return beanFactory -> {
            if (!(beanFactory instanceof BeanDefinitionRegistry registry) || !registry.containsBeanDefinition(CHAIN)) {
                return;
            }
            BeanDefinition chain = registry.getBeanDefinition(CHAIN);
            if (!COMPOSITE.equals(chain.getBeanClassName())) {
                return;
            }
            registry.removeBeanDefinition(CHAIN);
            registry.registerBeanDefinition(CHAIN, wrapped(chain));
        };
    }

    /** What the composite wraps: its filters are the lookup and the chain (itself behind the path's parsing). */
    static BeanDefinition wrapped(BeanDefinition composite) {
        ValueHolder argument = composite.getConstructorArgumentValues().getIndexedArgumentValue(0, null);
        if (argument != null && argument.getValue() instanceof List<?> filters && filters.size() == 2
                && filters.get(0) instanceof BeanDefinition lookup && LOOKUP.equals(lookup.getBeanClassName())
                && filters.get(1) instanceof BeanDefinition wrapped) {
            return wrapped;
        }
        throw new IllegalStateException("the security chain is wrapped in an unexpected composite: "
                + composite.getConstructorArgumentValues() + "; see " + PathPatternMatching.class.getName());
    }
}
