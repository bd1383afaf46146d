package io.incidenttracker.platform.openapi;

import com.fasterxml.jackson.databind.type.TypeFactory;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.oas.models.media.Schema;
import org.springdoc.core.customizers.PropertyCustomizer;

/**
 * A field declared as {@code Object} (a report field's value: a text, a list, or null) holds any JSON value.
 * swagger-core writes it as {@code type: object}, which a text or a list breaks; it is published without a type
 * instead, with its description and nullability kept.
 */
public class AnyValues implements PropertyCustomizer {

    @Override
    @SuppressWarnings("rawtypes")
    public Schema customize(Schema property, AnnotatedType type) {
        if (property == null || type.getType() == null
                || TypeFactory.defaultInstance().constructType(type.getType()).getRawClass() != Object.class) {
            return property;
        }
        Schema<Object> any = new Schema<>();
        any.setDescription(property.getDescription());
        any.setNullable(property.getNullable());
        return any;
    }
}
