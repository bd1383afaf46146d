package io.incidenttracker.bench;

import io.incidenttracker.audit.verify.Json;
import io.incidenttracker.audit.verify.LedgerEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The audit ledger's work for each event it appends, apart from the database: the event's JSON parsed, the entry's
 * RFC 8785 canonical form written and hashed into its leaf hash (what {@code AuditLedger} does per event, and the
 * offline verifier per entry). The events are those of the harness's seeding (ten incidents of 100 events), with
 * the fields the ledger takes from their records' headers.
 * <p>
 * Run: {@code java -cp incident-bench/target/incident-bench.jar org.openjdk.jmh.Main LeafBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms128m", "-Xmx256m", "-XX:+UseSerialGC"})
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
public class LeafBenchmark {

    /** What the ledger takes from a record: its header fields and its payload as published. */
    private record Appended(String eventId, String incidentId, long sequence, String type, String occurredAt,
                            String recordedAt, String actor, String correlationId, String payload) {
    }

    private List<Appended> events;
    private int next;

    @Setup
    public void setUp() {
        events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : DecodeBenchmark.records()) {
            events.add(new Appended(header(record, "ce_id"), record.key(), Long.parseLong(header(record, "ce_sequence")),
                    header(record, "ce_type"), header(record, "ce_time"), header(record, "ce_recordedat"),
                    header(record, "ce_actor"), header(record, "ce_correlationid"),
                    new String(record.value(), StandardCharsets.UTF_8)));
        }
    }

    @Benchmark
    public byte[] leafHashOfAnEvent() {
        Appended event = events.get(next);
        next = next + 1 == events.size() ? 0 : next + 1;
        LedgerEntry entry = new LedgerEntry(next, event.eventId(), event.incidentId(), event.sequence(), event.type(),
                event.occurredAt(), event.recordedAt(), event.actor(), event.correlationId(), Json.parse(event.payload()));
        return entry.leafHash();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        if (header == null) {
            throw new IllegalStateException("the seeded record has no header " + name);
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
