package io.incidenttracker.testsupport;

import org.springframework.context.ApplicationContext;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.access.intercept.RequestMatcherDelegatingAuthorizationManager;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.DispatcherTypeRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcherEntry;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.web.filter.ServletRequestPathFilter;

import java.util.ArrayList;
import java.util.List;

/** How a service's security chains match requests to their access rules, read off the running context. */
public final class SecurityChains {

    private SecurityChains() {
    }

    /**
     * The filters that the bean registered as the servlet filter {@code springSecurityFilterChain} runs ahead of the
     * security chain itself, by class name, outermost first: Spring Security registers the chain inside composites
     * of a filter and the rest.
     */
    private static List<String> filtersAheadOfTheChain(ApplicationContext context) {
        List<String> ahead = new ArrayList<>();
        unwrap(context, ahead);
        return ahead;
    }

    /**
     * The security chain itself, the {@link FilterChainProxy} inside the composites that the servlet filter
     * {@code springSecurityFilterChain} is (a composite extends {@link FilterChainProxy} too, without the chain's
     * settings: ask this one whether the chain's filters are observed).
     */
    public static FilterChainProxy securityChain(ApplicationContext context) {
        return unwrap(context, new ArrayList<>());
    }

    /** The firewall through which the security chain sees each request. */
    public static HttpFirewall firewall(ApplicationContext context) {
        return (HttpFirewall) ReflectionTestUtils.getField(securityChain(context), "firewall");
    }

    private static FilterChainProxy unwrap(ApplicationContext context, List<String> ahead) {
        Object registered = context.getBean("springSecurityFilterChain");
        while (registered.getClass() != FilterChainProxy.class) {
            Object delegate = ReflectionTestUtils.getField(registered, "doFilterDelegate");
            List<?> filters = (List<?>) ReflectionTestUtils.getField(delegate, "filters");
            registered = filters.get(filters.size() - 1);
            filters.subList(0, filters.size() - 1).forEach(filter -> ahead.add(filter.getClass().getName()));
        }
        return (FilterChainProxy) registered;
    }

    /** The request matchers of every chain's access rules, in the chains' order and each chain's rules' order. */
    private static List<RequestMatcher> ruleMatchers(ApplicationContext context) {
        List<RequestMatcher> matchers = new ArrayList<>();
        for (SecurityFilterChain chain : context.getBean(FilterChainProxy.class).getFilterChains()) {
            for (var filter : chain.getFilters()) {
                if (filter instanceof AuthorizationFilter authorization) {
                    for (RequestMatcherEntry<?> entry : mappings(authorization.getAuthorizationManager())) {
                        matchers.add(entry.getRequestMatcher());
                    }
                }
            }
        }
        return matchers;
    }

    /**
     * What keeps the service's security from matching by path alone, one line each; empty if its access rules are
     * all matched by path pattern and the only filter ahead of the security chain is the parsing of the path (no
     * lookup of each request's handler in Spring MVC).
     */
    public static List<String> notMatchedByPathAlone(ApplicationContext context) {
        List<String> problems = new ArrayList<>();
        List<RequestMatcher> rules = ruleMatchers(context);
        if (rules.size() < 5) {
            problems.add("only " + rules.size() + " access rules found: not the service's chains?");
        }
        // Spring Security's own matchers other than a path pattern, "any request" or a dispatcher type (such as those
        // that ask Spring MVC for the request's handler); the service's own matchers are not counted
        rules.stream()
                .filter(rule -> rule.getClass().getName().startsWith("org.springframework.security."))
                .filter(rule -> !(rule instanceof PathPatternRequestMatcher || rule instanceof AnyRequestMatcher
                        || rule instanceof DispatcherTypeRequestMatcher))
                .forEach(rule -> problems.add("a rule matched otherwise: " + rule.getClass().getName() + ": " + rule));
        List<String> ahead = filtersAheadOfTheChain(context);
        if (!ahead.equals(List.of(ServletRequestPathFilter.class.getName()))) {
            problems.add("filters ahead of the security chain: " + ahead);
        }
        return problems;
    }

    /** The rules of an authorization manager (not observed, so not wrapped: the web platform's settings). */
    @SuppressWarnings("unchecked")
    private static List<RequestMatcherEntry<?>> mappings(AuthorizationManager<?> manager) {
        if (!(manager instanceof RequestMatcherDelegatingAuthorizationManager rules)) {
            throw new IllegalStateException("the access rules are wrapped in " + manager.getClass().getName());
        }
        return (List<RequestMatcherEntry<?>>) ReflectionTestUtils.getField(rules, "mappings");
    }
}
