package io.incidenttracker.events;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The stable, published name of an event, independent of the Java class that carries it.
 * Together with {@link Revision} it forms the CloudEvents {@code type} on the topic, for example
 * {@code io.incidenttracker.incident.attack-detected.v1}. Renaming a class never changes this name.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventType {

    /** The aggregate-local name in kebab case, for example {@code attack-detected}. */
    String value();
}
