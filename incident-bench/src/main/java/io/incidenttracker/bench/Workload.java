package io.incidenttracker.bench;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Commands that are always valid: each worker owns every n-th incident and toggles one service of its own on it,
 * disruption then restoration, so workers never conflict and no command is refused. Times come from one clock
 * that only moves forward, so a restoration never lies before its disruption.
 */
final class Workload {

    /** What one command does. */
    record Step(UUID incidentId, String serviceId, boolean disruption, Instant at) {
    }

    private static final AtomicLong CLOCK = new AtomicLong(Instant.parse("2025-01-01T00:00:00Z").getEpochSecond());

    private final List<UUID> incidents;
    private final String service;
    private final int workers;
    private final boolean[] disrupted;
    private final int[] cursor;

    Workload(List<UUID> incidents, String service, int workers) {
        this.incidents = incidents;
        this.service = service;
        this.workers = workers;
        this.disrupted = new boolean[incidents.size()];
        this.cursor = new int[workers];
    }

    /** The next command of {@code worker}; only that worker's thread may call it. */
    Step next(int worker) {
        int index = worker + workers * cursor[worker];
        if (index >= incidents.size()) {
            cursor[worker] = 0;
            index = worker;
        }
        cursor[worker]++;
        boolean disruption = !disrupted[index];
        disrupted[index] = disruption;
        return new Step(incidents.get(index), service, disruption, Instant.ofEpochSecond(CLOCK.incrementAndGet()));
    }
}
