package io.incidenttracker.command.publishing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/**
 * What the publication relay's work costs, phase by phase, as meters tagged with the publisher's name: each read of
 * the event store ({@code incident.publication.read}, tagged {@code outcome} {@code found} when it found events to
 * publish, {@code empty} when it found none, as an idle poll does), and for each batch published the sending of its
 * records until the broker acknowledged all of them ({@code incident.publication.send}), the commit of its Kafka
 * transaction ({@code incident.publication.commit}), the position stored after it ({@code incident.publication.position})
 * and its size ({@code incident.publication.batch.size}, events); batches that failed
 * ({@code incident.publication.failures}). A read's time divided by its count says what a poll costs; the sum of a
 * batch's phases, how long an event that arrives during a batch waits for the next read.
 */
final class PublicationMeters {

    private final Timer readFound;
    private final Timer readEmpty;
    private final Timer send;
    private final Timer commit;
    private final Timer position;
    private final DistributionSummary batchSize;
    private final Counter failures;

    PublicationMeters(MeterRegistry registry, String publisher) {
        this.readFound = read(registry, publisher, "found");
        this.readEmpty = read(registry, publisher, "empty");
        this.send = Timer.builder("incident.publication.send")
                .description("Sending a batch's records until the broker acknowledged every one")
                .tag("publisher", publisher).register(registry);
        this.commit = Timer.builder("incident.publication.commit")
                .description("Committing a batch's Kafka transaction")
                .tag("publisher", publisher).register(registry);
        this.position = Timer.builder("incident.publication.position")
                .description("Storing the position after a batch the broker committed")
                .tag("publisher", publisher).register(registry);
        this.batchSize = DistributionSummary.builder("incident.publication.batch.size")
                .description("Events per published batch").baseUnit("events")
                .tag("publisher", publisher).register(registry);
        this.failures = Counter.builder("incident.publication.failures")
                .description("Batches not published (refused, not acknowledged in time, or failed reading the store)")
                .tag("publisher", publisher).register(registry);
    }

    private static Timer read(MeterRegistry registry, String publisher, String outcome) {
        return Timer.builder("incident.publication.read")
                .description("Reading the event store for what to publish next")
                .tag("publisher", publisher).tag("outcome", outcome).register(registry);
    }

    void read(long nanos, boolean found) {
        (found ? readFound : readEmpty).record(nanos, TimeUnit.NANOSECONDS);
    }

    void sent(long nanos) {
        send.record(nanos, TimeUnit.NANOSECONDS);
    }

    void committed(long nanos) {
        commit.record(nanos, TimeUnit.NANOSECONDS);
    }

    void positionStored(long nanos, int events) {
        position.record(nanos, TimeUnit.NANOSECONDS);
        batchSize.record(events);
    }

    void failed() {
        failures.increment();
    }
}
