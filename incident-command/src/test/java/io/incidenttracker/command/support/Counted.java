package io.incidenttracker.command.support;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** What the service's counters have counted, read from its meter registry. */
public final class Counted {

    private Counted() {
    }

    /** The sum of the counters named {@code name} with the tag {@code tag=value} (0 if none is registered yet). */
    public static double sum(MeterRegistry meters, String name, String tag, String value) {
        return meters.find(name).tag(tag, value).counters().stream().mapToDouble(Counter::count).sum();
    }
}
