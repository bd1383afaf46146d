package io.incidenttracker.query.consuming;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A processor's batches are measured once each, split into handling and commit, with each live event's wait. */
class ProcessorBatchMetersTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final ProcessorBatchMeters meters = new ProcessorBatchMeters(registry, clock::get);

    @Test
    void measuresABatchOnceWithItsEventsTheirWaitAndItsHandlingAndCommit() {
        Instant recorded = Instant.now().minusMillis(400);
        BatchingUnitOfWork<EventMessage<?>> batch = new BatchingUnitOfWork<>(List.of(
                event(recorded), event(recorded), event(recorded)));
        batch.onCommit(u -> clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(7)));

        batch.execute(() -> handle(Processors.INCIDENT_PROJECTION, batch, 2));

        assertThat(registry.get("incident.processor.batch.size").tag("processor", "incident-projection")
                           .summary().count()).isEqualTo(1);
        assertThat(registry.get("incident.processor.batch.size").tag("processor", "incident-projection")
                           .summary().totalAmount()).isEqualTo(3);
        assertThat(timer("incident.processor.handle").count()).isEqualTo(1);
        assertThat(timer("incident.processor.handle").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(6);
        assertThat(timer("incident.processor.commit").count()).isEqualTo(1);
        assertThat(timer("incident.processor.commit").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(7);
        assertThat(timer("incident.processor.waited").count()).isEqualTo(3);
        assertThat(timer("incident.processor.waited").max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(400);
        assertThat(registry.get("incident.processor.batch.size").tag("processor", "audit-ledger")
                           .summary().count()).isZero();
    }

    @Test
    void countsNothingOfABatchThatRollsBack() {
        BatchingUnitOfWork<EventMessage<?>> batch = new BatchingUnitOfWork<>(List.of(event(Instant.now())));

        // the batching unit of work rolls back and answers the failure as its result
        assertThat(batch.executeWithResult(() -> {
            handle(Processors.AUDIT_LEDGER, batch, 1);
            throw new IllegalStateException("the database went away");
        }).isExceptional()).isTrue();
        assertThat(batch.isRolledBack()).isTrue();

        assertThat(registry.get("incident.processor.batch.size").tag("processor", "audit-ledger")
                           .summary().count()).isZero();
        assertThat(registry.get("incident.processor.handle").tag("processor", "audit-ledger").timer().count())
                .isZero();
        assertThat(registry.get("incident.processor.waited").tag("processor", "audit-ledger").timer().count())
                .as("a live event's wait counts only with its committed batch").isZero();
    }

    @Test
    void leavesReplayedEventsOutOfTheWait() {
        EventMessage<?> replayed = new GenericTrackedEventMessage<>(
                ReplayToken.createReplayToken(new GlobalSequenceTrackingToken(10), new GlobalSequenceTrackingToken(1)),
                event(Instant.now().minusSeconds(3600)));
        BatchingUnitOfWork<EventMessage<?>> batch = new BatchingUnitOfWork<>(List.of(replayed));

        batch.execute(() -> handle(Processors.INCIDENT_PROJECTION, batch, 0));

        assertThat(timer("incident.processor.waited").count()).isZero();
        assertThat(timer("incident.processor.handle").count()).isEqualTo(1);
    }

    private void handle(String processor, BatchingUnitOfWork<EventMessage<?>> batch, long handlingMillis) {
        try {
            meters.handle(processor, batch, () -> clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(handlingMillis)));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private io.micrometer.core.instrument.Timer timer(String name) {
        return registry.get(name).tag("processor", "incident-projection").timer();
    }

    private static EventMessage<?> event(Instant recorded) {
        return new GenericEventMessage<>("e-" + System.nanoTime(), "payload", MetaData.emptyInstance(), recorded);
    }
}
