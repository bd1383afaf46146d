package io.incidenttracker.command.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What command bodies may carry beyond their declared shape. Every text is plain text: no control characters (tab,
 * line feed and carriage return aside), no unpaired surrogates, no Unicode non-characters and no bidirectional
 * overrides, which can make a record read differently from what it says. Every time is an ISO-8601 string between
 * {@link #EARLIEST} and {@link #LATEST} (no epoch numbers, no year -99999). Anything else is a 400 naming the field.
 * Applies to request bodies only: events have serializers of their own.
 */
@Configuration(proxyBeanMethods = false)
class StrictInputConfiguration {

    static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    @Bean
    Jackson2ObjectMapperBuilderCustomizer strictInput() {
        return builder -> builder.modulesToInstall(modules -> modules.add(new SimpleModule("strict-input")
                .addDeserializer(String.class, new PlainTextDeserializer())
                .addDeserializer(Instant.class, new PlausibleInstantDeserializer())
                .setDeserializerModifier(new BeanDeserializerModifier() {
                    @Override
                    public JsonDeserializer<?> modifyEnumDeserializer(DeserializationConfig config, JavaType type,
                                                                      BeanDescription description,
                                                                      JsonDeserializer<?> deserializer) {
                        return new ExactEnumDeserializer(type.getRawClass(), deserializer);
                    }
                })));
    }

    /** An enum value is exactly one of the names: Jackson alone would also take {@code "LOW "} or {@code "LOW\0"}. */
    static final class ExactEnumDeserializer extends StdDeserializer<Object> implements ContextualDeserializer {

        private final Set<String> names;
        private final JsonDeserializer<?> delegate;

        ExactEnumDeserializer(Class<?> type, JsonDeserializer<?> delegate) {
            super(type);
            this.names = Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name())
                    .collect(Collectors.toUnmodifiableSet());
            this.delegate = delegate;
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.hasToken(JsonToken.VALUE_STRING) && !names.contains(parser.getText())) {
                return context.handleWeirdStringValue(handledType(), parser.getText(), "not one of " + names);
            }
            return delegate.deserialize(parser, context);
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext context, BeanProperty property)
                throws JsonMappingException {
            JsonDeserializer<?> contextual = delegate instanceof ContextualDeserializer c
                    ? c.createContextual(context, property) : delegate;
            return contextual == delegate ? this : new ExactEnumDeserializer(handledType(), contextual);
        }
    }

    static final class PlausibleInstantDeserializer extends StdScalarDeserializer<Instant> {

        PlausibleInstantDeserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (!parser.hasToken(JsonToken.VALUE_STRING)) {
                return (Instant) context.handleUnexpectedToken(Instant.class, parser);
            }
            String text = parser.getText();
            try {
                Instant time = DateTimeFormatter.ISO_INSTANT.parse(text, Instant::from);
                if (time.isBefore(EARLIEST) || time.isAfter(LATEST)) {
                    return (Instant) context.handleWeirdStringValue(Instant.class, text,
                            "must lie between " + EARLIEST + " and " + LATEST);
                }
                return time;
            } catch (DateTimeException e) {
                return (Instant) context.handleWeirdStringValue(Instant.class, text,
                        "must be an ISO-8601 instant such as 2023-08-30T06:15:00Z");
            }
        }
    }

    static final class PlainTextDeserializer extends StringDeserializer {

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String value = super.deserialize(parser, context);
            String problem = value == null ? null : problemOf(value);
            if (problem != null) {
                return (String) context.handleWeirdStringValue(String.class, value, problem);
            }
            return value;
        }
    }

    /** What is wrong with the text, or null when it is plain text. */
    static String problemOf(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    int codePoint = text.codePointAt(i++);
                    if ((codePoint & 0xFFFE) == 0xFFFE) {
                        return "must not contain Unicode non-characters";
                    }
                    continue;
                }
                return "must not contain unpaired surrogates";
            }
            if (Character.isLowSurrogate(c)) {
                return "must not contain unpaired surrogates";
            }
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F)) {
                return "must not contain control characters";
            }
            if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
                return "must not contain bidirectional override characters";
            }
            if ((c >= 0xFDD0 && c <= 0xFDEF) || c == 0xFFFE || c == 0xFFFF) {
                return "must not contain Unicode non-characters";
            }
        }
        return null;
    }
}
