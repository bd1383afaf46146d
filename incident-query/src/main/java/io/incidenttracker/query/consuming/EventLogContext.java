package io.incidenttracker.query.consuming;

import io.incidenttracker.platform.web.LogContextFilter;
import io.incidenttracker.platform.web.TraceContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.axonframework.config.Configurer;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;

/**
 * Every log line a processor writes while it handles an incident event carries the event's context as MDC entries
 * (fields of the structured log): {@code incidentId}, {@code correlationId}, and the {@code traceId} and
 * {@code spanId} of the W3C trace context that the command's request started and its CloudEvent carried
 * ({@code traceparent}), so that a projection's lines join the command's in a log search.
 */
@Component
public class EventLogContext implements ConfigurerModule {

    private final Timer projectionDelay;

    /**
     * Also measures {@code incident.projection.delay}: from an event's recording in the command service to the end
     * of its handling by the status projection (replays are not measured).
     */
    public EventLogContext(MeterRegistry meterRegistry) {
        this.projectionDelay = Timer.builder("incident.projection.delay")
                .description("From an event's recording in the event store to its projection into the views")
                .publishPercentileHistogram()
                .register(meterRegistry);
    }

    @Override
    public void configureModule(Configurer configurer) {
        for (String processor : ProcessorFirstStart.PROCESSORS) {
            MessageHandlerInterceptor<EventMessage<?>> interceptor = (unitOfWork, chain) ->
                    handle(processor, unitOfWork, chain);
            configurer.eventProcessing().registerHandlerInterceptor(processor, configuration -> interceptor);
        }
    }

    Object handle(String processor, UnitOfWork<? extends EventMessage<?>> unitOfWork, InterceptorChain chain)
            throws Exception {
        EventMessage<?> event = unitOfWork.getMessage();
        put(LogContextFilter.MDC_INCIDENT_ID,
            event instanceof DomainEventMessage<?> domain ? domain.getAggregateIdentifier() : null);
        put(LogContextFilter.MDC_CORRELATION_ID, event.getMetaData().get(IncidentEventMetaData.CORRELATION_ID));
        Object traceparent = event.getMetaData().get(IncidentEventMetaData.TRACEPARENT);
        TraceContext trace = traceparent == null ? null : TraceContext.parse(traceparent.toString()).orElse(null);
        put(LogContextFilter.MDC_TRACE_ID, trace == null ? null : trace.traceId());
        put(LogContextFilter.MDC_SPAN_ID, trace == null ? null : trace.parentId());
        try {
            Object result = chain.proceed();
            if (Processors.INCIDENT_PROJECTION.equals(processor) && !ReplayToken.isReplay(event)) {
                projectionDelay.record(Duration.between(event.getTimestamp(), Instant.now()));
            }
            return result;
        } finally {
            MDC.remove(LogContextFilter.MDC_INCIDENT_ID);
            MDC.remove(LogContextFilter.MDC_CORRELATION_ID);
            MDC.remove(LogContextFilter.MDC_TRACE_ID);
            MDC.remove(LogContextFilter.MDC_SPAN_ID);
        }
    }

    private static void put(String key, Object value) {
        if (value != null) {
            MDC.put(key, value.toString());
        } else {
            MDC.remove(key);
        }
    }
}
