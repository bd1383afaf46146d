package io.incidenttracker.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.platform.openapi.AnyValues;
import io.incidenttracker.platform.openapi.NullableReferences;
import io.incidenttracker.platform.openapi.ProblemResponses;
import io.incidenttracker.platform.operations.OperationsConfiguration;
import io.incidenttracker.platform.problem.ProblemErrorController;
import io.incidenttracker.platform.problem.ProblemWriter;
import io.incidenttracker.platform.security.ApiSecurity;
import io.incidenttracker.platform.security.AuthenticationConfiguration;
import io.incidenttracker.platform.security.HeaderFirewall;
import io.incidenttracker.platform.security.PathPatternMatching;
import io.incidenttracker.platform.security.SecurityMeters;
import io.incidenttracker.platform.web.BodySizeLimitFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.util.unit.DataSize;

/**
 * The web platform as a service imports it ({@code @Import(WebPlatformConfiguration.class)}): authentication
 * (demo users or JWTs), security chains that match requests by path pattern ({@link PathPatternMatching}) behind
 * the strict firewall with its header rules checked without regular expressions ({@link HeaderFirewall}), problems
 * for errors outside Spring MVC and in the OpenAPI document, the body size limit as the first servlet filter, and
 * {@link ApiSecurity}, from which the service builds its security filter chain around its own access rules.
 * <p>
 * Configuration: {@code incidenttracker.security.*} (see {@link AuthenticationConfiguration}),
 * {@code incidenttracker.http.rate-limit.requests-per-second}, {@code incidenttracker.http.rate-limit.burst} and
 * {@code incidenttracker.http.max-body-size}.
 */
@Configuration(proxyBeanMethods = false)
@Import({AuthenticationConfiguration.class, PathPatternMatching.class, HeaderFirewall.class,
        ProblemErrorController.class, OperationsConfiguration.class})
public class WebPlatformConfiguration {

    @Bean
    public ProblemWriter problemWriter(ObjectMapper objectMapper) {
        return new ProblemWriter(objectMapper);
    }

    @Bean
    public ApiSecurity apiSecurity(ProblemWriter problems, Environment environment,
                                   @Value("${incidenttracker.http.rate-limit.requests-per-second}")
                                   double requestsPerSecond,
                                   @Value("${incidenttracker.http.rate-limit.burst}") int burst) {
        return new ApiSecurity(problems, environment, requestsPerSecond, burst);
    }

    /**
     * Nothing of the security chain is observed per request: observing the requests through it wraps each of its
     * filters in an observation of its own, and observing authentications and authorization decisions puts a timer
     * around each, on every request; together they cost more CPU than the chain's own work. Failed logins and
     * refusals are counted from Spring Security's events instead ({@link SecurityMeters}); the request as a whole is
     * still measured ({@code http.server.requests}).
     */
    @Bean
    public SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.withDefaults().shouldObserveRequests(false)
                .shouldObserveAuthentications(false).shouldObserveAuthorizations(false).build();
    }

    /** Into the service's registry; a context without one (a slice of the service in a test) counts into none. */
    @Bean
    public SecurityMeters securityMeters(ObjectProvider<MeterRegistry> registry) {
        return new SecurityMeters(registry.getIfAvailable(() -> Metrics.globalRegistry));
    }

    /** The problem answers of the published OpenAPI document, the same for every operation of both services. */
    @Bean
    public ProblemResponses problemResponses() {
        return new ProblemResponses();
    }

    /** Fields of a model type declared nullable stay nullable in the published OpenAPI document. */
    @Bean
    public NullableReferences nullableReferences() {
        return new NullableReferences();
    }

    /** Fields marked as any JSON value are published without a type, not as a JSON object. */
    @Bean
    public AnyValues anyValues() {
        return new AnyValues();
    }

    /** Ahead of every other filter, the security chain included, so that no oversized body is ever read. */
    @Bean
    public FilterRegistrationBean<BodySizeLimitFilter> bodySizeLimitFilter(
            @Value("${incidenttracker.http.max-body-size:64KB}") String maxBodySize, ProblemWriter problems) {
        FilterRegistrationBean<BodySizeLimitFilter> registration =
                new FilterRegistrationBean<>(new BodySizeLimitFilter(DataSize.parse(maxBodySize), problems));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
