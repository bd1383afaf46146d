package io.incidenttracker.command.eventstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.events.EventType;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.IncidentEventUpcasts;
import io.incidenttracker.events.incident.IncidentEventUpcasts.Step;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads events stored at an older revision as the current one, by the contract's own steps
 * ({@link IncidentEventUpcasts}): the aggregate, the publisher and everything else that reads the store see only
 * current revisions. Stored events are never rewritten. Axon applies it, as every {@code EventUpcaster} bean, on the
 * event store's serializer; a chain of steps is applied one revision at a time.
 */
class ContractUpcaster extends SingleEventUpcaster {

    @SuppressWarnings("unchecked")
    private static final Class<Map<String, Object>> MEMBERS = (Class<Map<String, Object>>) (Class<?>) Map.class;

    private final ObjectMapper mapper;
    private final Map<String, String> eventTypesByClassName = new HashMap<>();

    ContractUpcaster(ObjectMapper mapper) {
        this.mapper = mapper;
        IncidentEvent.CATALOG.types().values().forEach(eventClass -> eventTypesByClassName.put(
                eventClass.getName(), eventClass.getAnnotation(EventType.class).value()));
    }

    @Override
    protected boolean canUpcast(IntermediateEventRepresentation representation) {
        return step(representation.getType()).isPresent();
    }

    @Override
    protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation representation) {
        Step step = step(representation.getType()).orElseThrow();
        return representation.upcastPayload(
                new SimpleSerializedType(representation.getType().getName(), step.toRevision()),
                JsonNode.class,
                payload -> mapper.valueToTree(step.apply(mapper.convertValue(payload, MEMBERS))));
    }

    private Optional<Step> step(SerializedType type) {
        String eventType = eventTypesByClassName.get(type.getName());
        return eventType == null || type.getRevision() == null
                ? Optional.empty()
                : IncidentEventUpcasts.from(eventType, type.getRevision());
    }
}
