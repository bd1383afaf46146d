package io.incidenttracker.query.consuming;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;

import java.io.IOException;
import java.time.Instant;

/**
 * Reads an event's instants ({@code "2023-08-30T06:15:00Z"}) with {@link IsoTimes}; every other token or text, and
 * every property with a format of its own, goes to the JSR-310 module's deserializer, which reads or refuses it as
 * before. The events' records have one or more instants each, read for every record of the topic.
 */
final class IsoInstantDeserializer extends StdScalarDeserializer<Instant> implements ContextualDeserializer {

    private final JsonDeserializer<Instant> standard;

    private IsoInstantDeserializer(JsonDeserializer<Instant> standard) {
        super(Instant.class);
        this.standard = standard;
    }

    /** A module that reads instants this way; registered after the JSR-310 module, it takes precedence. */
    static SimpleModule module() {
        return new SimpleModule("iso-instants").addDeserializer(Instant.class,
                new IsoInstantDeserializer(InstantDeserializer.INSTANT));
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        if (parser.hasToken(JsonToken.VALUE_STRING)) {
            Instant read = IsoTimes.read(parser.getText());
            if (read != null) {
                return read;
            }
        }
        return standard.deserialize(parser, context);
    }

    @Override
    @SuppressWarnings("unchecked")
    public JsonDeserializer<?> createContextual(DeserializationContext context, BeanProperty property)
            throws JsonMappingException {
        JsonDeserializer<?> contextual = standard instanceof ContextualDeserializer configurable
                ? configurable.createContextual(context, property) : standard;
        // a property with a format or leniency of its own is read by the module's deserializer alone
        return contextual == standard ? this : contextual;
    }
}
