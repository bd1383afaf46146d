package io.incidenttracker.platform.openapi;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.ComposedSchema;
import io.swagger.v3.oas.models.media.Schema;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.PropertyCustomizer;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps {@code @Schema(nullable = true)} on a field whose type is a schema of its own (the incident's
 * {@code closure}, the data impact's {@code latest}). OpenAPI 3.0 ignores every sibling of a {@code $ref}, so such a
 * field is written as {@code allOf: [$ref]} with {@code nullable: true} beside it. The fields are noted while
 * springdoc resolves the models and rewritten once the document is built.
 */
public class NullableReferences implements PropertyCustomizer, OpenApiCustomizer {

    /**
     * Model name to the names of its nullable fields whose type is a model. Shared by every instance in the JVM:
     * swagger-core's converter chain is global, so a second application context in the same JVM (the end-to-end
     * tests start several) has its models resolved through the first context's customizer.
     */
    private static final Map<String, Set<String>> NULLABLE = new ConcurrentHashMap<>();

    @Override
    @SuppressWarnings("rawtypes")
    public Schema customize(Schema property, AnnotatedType type) {
        if (property != null && type.getParent() != null && type.getParent().getName() != null
                && type.getPropertyName() != null && declaredNullable(type.getCtxAnnotations())) {
            NULLABLE.computeIfAbsent(type.getParent().getName(), name -> ConcurrentHashMap.newKeySet())
                    .add(type.getPropertyName());
        }
        return property;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public void customise(OpenAPI openApi) {
        Map<String, Schema> schemas = openApi.getComponents().getSchemas();
        if (schemas == null) {
            return;
        }
        NULLABLE.forEach((model, fields) -> {
            Schema schema = schemas.get(model);
            if (schema == null || schema.getProperties() == null) {
                return;
            }
            Map<String, Schema> properties = schema.getProperties();
            fields.forEach(field -> {
                Schema property = properties.get(field);
                if (property != null && property.get$ref() != null) {
                    ComposedSchema wrapped = new ComposedSchema();
                    wrapped.setAllOf(List.of(new Schema<>().$ref(property.get$ref())));
                    wrapped.setNullable(true);
                    wrapped.setDescription(property.getDescription());
                    properties.put(field, wrapped);
                }
            });
        });
    }

    private static boolean declaredNullable(Annotation[] annotations) {
        if (annotations == null) {
            return false;
        }
        for (Annotation annotation : annotations) {
            if (annotation instanceof io.swagger.v3.oas.annotations.media.Schema schema && schema.nullable()) {
                return true;
            }
        }
        return false;
    }
}
