package io.incidenttracker.events;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The revision of an event's serialized form. It starts at {@code "1"} and goes up with every change of the JSON shape
 * that an upcaster has to bridge. Both services read it through their serializers; the contract itself stays free of
 * any framework.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Revision {

    /** The revision, a positive decimal number. */
    String value();
}
