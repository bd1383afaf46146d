package io.incidenttracker.platform.openapi;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import org.springdoc.core.customizers.OpenApiCustomizer;

import java.util.Map;

/**
 * A field that holds any JSON value (a report field's value: a text, a list, or null) is declared
 * {@code @Schema(extensions = @Extension(properties = @ExtensionProperty(name = AnyValues.MARK, value = "true")))}.
 * swagger-core writes a Java {@code Object} as {@code type: object}, which a text or a list breaks; a marked field is
 * published without a type instead, its description and nullability kept.
 */
public class AnyValues implements OpenApiCustomizer {

    /** The extension that marks a field as any JSON value; removed from the published document. */
    public static final String MARK = "x-any-value";

    @Override
    @SuppressWarnings("rawtypes")
    public void customise(OpenAPI openApi) {
        Map<String, Schema> schemas = openApi.getComponents().getSchemas();
        if (schemas == null) {
            return;
        }
        schemas.values().forEach(schema -> {
            if (schema.getProperties() == null) {
                return;
            }
            Map<String, Schema> properties = schema.getProperties();
            properties.replaceAll((name, property) -> {
                if (property.getExtensions() == null || !property.getExtensions().containsKey(MARK)) {
                    return property;
                }
                Schema<Object> any = new Schema<>();
                any.setDescription(property.getDescription());
                any.setNullable(property.getNullable());
                return any;
            });
        });
    }
}
