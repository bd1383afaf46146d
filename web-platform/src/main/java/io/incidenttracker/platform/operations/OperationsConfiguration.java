package io.incidenttracker.platform.operations;

import com.fasterxml.jackson.core.JsonParser;
import io.incidenttracker.platform.problem.ProblemWriter;
import io.incidenttracker.platform.web.LogContextFilter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The operational defaults both services share: the log context of every request (correlation id, trace context,
 * incident id), 503 with {@code Retry-After} during shutdown, and JSON bodies refused when a member name repeats.
 * Configuration: {@code incidenttracker.http.shutdown-retry-after} (default 5 s).
 */
@Configuration(proxyBeanMethods = false)
public class OperationsConfiguration {

    /**
     * I-JSON (RFC 7493): a body that names a member twice ({@code {"title":"a","title":"b"}}) means different things
     * to different parsers; the services' object mapper refuses it, so the request gets a 400 and changes nothing.
     */
    @Bean
    public Jackson2ObjectMapperBuilderCustomizer refuseDuplicateJsonKeys() {
        return builder -> builder.featuresToEnable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /** Right after the body size limit, before the security chain: every later log line carries the context. */
    @Bean
    public FilterRegistrationBean<LogContextFilter> logContextFilter() {
        FilterRegistrationBean<LogContextFilter> registration = new FilterRegistrationBean<>(new LogContextFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

    /** The retry delay is read as text (5s, PT5S), so that a context without Boot's conversion service starts too. */
    @Bean
    public ShutdownGate shutdownGate(ProblemWriter problems,
                                     @Value("${incidenttracker.http.shutdown-retry-after:5s}") String retryAfter) {
        return new ShutdownGate(problems, DurationStyle.detectAndParse(retryAfter));
    }

    @Bean
    public FilterRegistrationBean<ShutdownGate> shutdownGateRegistration(ShutdownGate gate) {
        FilterRegistrationBean<ShutdownGate> registration = new FilterRegistrationBean<>(gate);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return registration;
    }
}
