package io.incidenttracker.query.consuming;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.axonframework.config.Configurer;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Where a processor's batch spends its time, per processor (tag {@code processor}), so that the way from Kafka to a
 * visible view can be split into its stages:
 * <ul>
 *   <li>{@code incident.processor.batch.size}: the events of each batch (one transaction with the processor's
 *       token);</li>
 *   <li>{@code incident.processor.waited}: for each live event, from its recording in the command service to the
 *       start of its batch: the publication, the broker, the fetch and the time the event waited in the processor's
 *       buffer behind the batches before it;</li>
 *   <li>{@code incident.processor.handle}: from a batch's start to the start of its commit (its handlers, which
 *       mostly queue their writes);</li>
 *   <li>{@code incident.processor.commit}: from the start of the commit to its end (the batch's queued writes, the
 *       documents, the database's commit and what runs after it). The token is not in it: a tracking processor with
 *       a transaction manager stores its token at the batch's start, before this interceptor runs.</li>
 * </ul>
 * A batch is counted once it has committed: one that rolls back, or its attempt that a retry repeats, is counted in
 * none of them. Replayed events are not counted in {@code waited}: their recording is long past. A batch of events
 * that no handler of the processor takes (its token only) reaches no interceptor and is not counted.
 */
@Component
public class ProcessorBatchMeters implements ConfigurerModule {

    private static final String BATCH = ProcessorBatchMeters.class.getName() + ".batch";

    private final Map<String, Meters> meters = new HashMap<>();
    private final LongSupplier nanoTime;

    @Autowired
    public ProcessorBatchMeters(MeterRegistry registry) {
        this(registry, System::nanoTime);
    }

    ProcessorBatchMeters(MeterRegistry registry, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        for (String processor : ProcessorFirstStart.PROCESSORS) {
            meters.put(processor, new Meters(registry, processor));
        }
    }

    @Override
    public void configureModule(Configurer configurer) {
        for (String processor : ProcessorFirstStart.PROCESSORS) {
            Meters of = meters.get(processor);
            MessageHandlerInterceptor<EventMessage<?>> interceptor = (unitOfWork, chain) ->
                    handle(of, unitOfWork, chain);
            configurer.eventProcessing().registerHandlerInterceptor(processor, configuration -> interceptor);
        }
    }

    Object handle(String processor, UnitOfWork<? extends EventMessage<?>> unitOfWork, InterceptorChain chain)
            throws Exception {
        return handle(meters.get(processor), unitOfWork, chain);
    }

    private Object handle(Meters of, UnitOfWork<? extends EventMessage<?>> unitOfWork, InterceptorChain chain)
            throws Exception {
        // the batching unit of work shares its resources between the batch's messages: the first one starts it
        Batch batch = unitOfWork.root().getOrComputeResource(BATCH, key -> start(of, unitOfWork));
        batch.events++;
        EventMessage<?> event = unitOfWork.getMessage();
        if (!ReplayToken.isReplay(event)) {
            batch.waited(Math.max(0, batch.startedAtMillis - event.getTimestamp().toEpochMilli()));
        }
        return chain.proceed();
    }

    private Batch start(Meters of, UnitOfWork<? extends EventMessage<?>> unitOfWork) {
        Batch batch = new Batch(nanoTime.getAsLong(), System.currentTimeMillis());
        UnitOfWork<?> root = unitOfWork.root();
        root.onPrepareCommit(u -> batch.committing = nanoTime.getAsLong());
        root.afterCommit(u -> {
            // the unit of work prepares its commit before it commits: the handler above has run
            long committed = nanoTime.getAsLong();
            of.size.record(batch.events);
            of.handle.record(batch.committing - batch.started, TimeUnit.NANOSECONDS);
            of.commit.record(committed - batch.committing, TimeUnit.NANOSECONDS);
            for (int i = 0; i < batch.waitedCount; i++) {
                of.waited.record(batch.waitedMillis[i], TimeUnit.MILLISECONDS);
            }
        });
        return batch;
    }

    /** One batch in progress: handled on the processor's one thread. */
    private static final class Batch {
        final long started;
        final long startedAtMillis;
        long committing;
        int events;
        /** Each live event's wait, recorded once the batch has committed. */
        long[] waitedMillis = new long[16];
        int waitedCount;

        Batch(long started, long startedAtMillis) {
            this.started = started;
            this.startedAtMillis = startedAtMillis;
        }

        void waited(long millis) {
            if (waitedCount == waitedMillis.length) {
                waitedMillis = Arrays.copyOf(waitedMillis, waitedCount * 2);
            }
            waitedMillis[waitedCount++] = millis;
        }
    }

    private static final class Meters {
        final DistributionSummary size;
        final Timer waited;
        final Timer handle;
        final Timer commit;

        Meters(MeterRegistry registry, String processor) {
            size = DistributionSummary.builder("incident.processor.batch.size")
                    .description("Events per batch (one transaction with the processor's token)")
                    .baseUnit("events").tag("processor", processor).register(registry);
            waited = Timer.builder("incident.processor.waited")
                    .description("From a live event's recording in the command service to the start of its batch")
                    .tag("processor", processor).register(registry);
            handle = Timer.builder("incident.processor.handle")
                    .description("From a batch's start to the start of its commit")
                    .tag("processor", processor).register(registry);
            commit = Timer.builder("incident.processor.commit")
                    .description("From the start of a batch's commit to its end: queued writes, documents, commit")
                    .tag("processor", processor).register(registry);
        }
    }
}
