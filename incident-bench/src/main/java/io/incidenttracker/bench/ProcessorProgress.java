package io.incidenttracker.bench;

import io.incidenttracker.launcher.LocalDatabases;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How far the event processors have come, read from their tokens in {@code token_entry}, and waiting for them: the
 * publisher's in the command database, the query service's processors in a query database.
 */
final class ProcessorProgress {

    private static final Pattern POSITION = Pattern.compile("\"" + BenchContext.TOPIC + "-(\\d+)\"\\s*:\\s*(\\d+)");

    private ProcessorProgress() {
    }

    /** A position that is read again and again while waiting. */
    @FunctionalInterface
    interface Position {
        long read() throws SQLException;
    }

    /** Polls {@code position} until it reaches {@code target}, reporting every 15 s; answers the last position. */
    static long awaitPosition(String what, Position position, long target, Duration timeout, ServiceProcess service)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastReport = System.nanoTime();
        long reached;
        while ((reached = position.read()) < target) {
            if (service != null) {
                service.failIfExited();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " only " + reached + " of " + target + " within " + timeout);
            }
            if (System.nanoTime() - lastReport > 15_000_000_000L) {
                Console.step("  " + what + " " + reached + " of " + target);
                lastReport = System.nanoTime();
            }
            Thread.sleep(100);
        }
        return reached;
    }

    /**
     * Waits until every processor has handled every committed record on the topic, as the topic stands now: each
     * processor's position in a partition is the offset of the last record it handled there, so it has caught up once
     * that is the partition's last committed record ({@link #committedRecordsEnd}, in the unit of
     * {@link #projectedEvents}). Logs and returns on the timeout instead of failing the measure.
     */
    static void awaitCaughtUp(BenchContext context, Duration timeout) throws Exception {
        long target = committedRecordsEnd(context);
        long deadline = System.nanoTime() + timeout.toNanos();
        long reached;
        while ((reached = projectedEvents(context.queryDb())) < target) {
            context.queryService().failIfExited();
            if (System.nanoTime() > deadline) {
                Console.step("  the query side did not catch up within " + timeout + ": " + reached + " of " + target);
                return;
            }
            Thread.sleep(50);
        }
    }

    /**
     * One past the offset of each partition's last committed record, summed over the partitions that have one. Not
     * the last stable offset minus one: the commit markers of the relay's transactions follow their records, and with
     * batches taking turns between two producers a transaction's marker may land after the next transaction's records,
     * so the records of a partition can end one or more markers before its last stable offset.
     */
    static long committedRecordsEnd(BenchContext context) {
        long sum = 0;
        // the last fetches below the stable offset find only markers: not 500 ms of waiting for more each
        try (KafkaConsumer<byte[], byte[]> consumer = context.committedRecordsConsumer(
                Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10"))) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(BenchContext.TOPIC).forEach(p -> partitions.add(
                    new TopicPartition(p.topic(), p.partition())));
            Map<TopicPartition, Long> stable = consumer.endOffsets(partitions); // last stable offsets (read_committed)
            for (TopicPartition partition : partitions) {
                sum += lastRecordEnd(consumer, partition, stable.get(partition));
            }
        }
        return sum;
    }

    /** One past the last committed record below {@code stable}, reading back from it further each time; 0 if none. */
    private static long lastRecordEnd(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long stable) {
        consumer.assign(List.of(partition));
        for (long back = 16; ; back *= 8) {
            long from = Math.max(0, stable - back);
            consumer.seek(partition, from);
            long last = -1;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < stable) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("partition " + partition + " could not be read to " + stable);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < stable) {
                        last = Math.max(last, record.offset());
                    }
                }
            }
            if (last >= 0) {
                return last + 1;
            }
            if (from == 0) {
                return 0;
            }
        }
    }

    /** Waits until the processors have made progress; answers {events, nanoTime} of that first observation. */
    static long[] awaitFirstProgress(LocalDatabases.Database database, ServiceProcess service) throws Exception {
        // a service started on a machine loaded by others may take minutes before its first batch
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        while (System.nanoTime() < deadline) {
            service.failIfExited();
            long done = projectedEvents(database);
            if (done > 0) {
                return new long[] {done, System.nanoTime()};
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no projection progress in " + database.name());
    }

    /**
     * Records handled by every processor: for each processor, the sum over partitions of its position + 1 (a
     * segment's Kafka token holds the offset of the last record it handled); the smallest over the processors.
     * Counts records, so duplicates the publisher sent count too (the processors read them as well).
     */
    static long projectedEvents(LocalDatabases.Database database) throws SQLException {
        Map<String, Long> byProcessor = projectedEventsByProcessor(database);
        if (byProcessor.size() < 2) {
            return 0;
        }
        return byProcessor.values().stream().mapToLong(Long::longValue).min().orElse(0);
    }

    /**
     * Incidents of the status projection without a stored detail (pending: a projection renders each detail just
     * after the batch that changed it, and those of a catch-up after its last catch-up batch), so a rebuild is
     * complete only when none is missing.
     */
    static long missingDetails(LocalDatabases.Database database) throws SQLException {
        return BenchContext.count(database, "SELECT count(*) FROM incident i WHERE NOT EXISTS "
                + "(SELECT 1 FROM incident_document d WHERE d.incident_id = i.incident_id AND d.body IS NOT NULL)");
    }

    /**
     * Waits until every incident has its stored detail ({@link #missingDetails}); fails after the timeout. The
     * service's gauge {@code incident.documents.owed} is watched while the backfill runs, and the database asked once
     * it says none is owed: the count of missing details reads every incident, which would take a share of the
     * machine from the backfill it measures if it were asked every few milliseconds.
     */
    static void awaitStoredDetails(BenchContext context, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        ServiceProcess query = context.queryService();
        long missing;
        while (true) {
            query.failIfExited();
            double owed = context.http().metric(query.port, "incident.documents.owed", null);
            if (owed == 0 || Double.isNaN(owed)) {
                missing = missingDetails(context.queryDb());
                if (missing == 0) {
                    return;
                }
            } else {
                missing = -1;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException((missing < 0 ? "details still owed" : missing
                        + " incidents still without a stored detail") + " after " + timeout);
            }
            Thread.sleep(Double.isNaN(owed) ? 50 : 100);
        }
    }

    /** Records handled by each processor (sum over partitions of its position + 1), by processor name. */
    static Map<String, Long> projectedEventsByProcessor(LocalDatabases.Database database) throws SQLException {
        Map<String, Map<Integer, Long>> positions = new HashMap<>();
        try (Connection connection = BenchContext.connect(database); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT processor_name, convert_from(token, 'UTF8') FROM token_entry WHERE token IS NOT NULL")) {
            while (rows.next()) {
                Map<Integer, Long> byPartition = positions.computeIfAbsent(rows.getString(1), p -> new HashMap<>());
                String token = rows.getString(2);
                int current = token.indexOf("\"currentToken\"");
                // a replay token also holds the position at reset; only the current one counts
                Matcher m = POSITION.matcher(current < 0 ? token : token.substring(current));
                while (m.find()) {
                    byPartition.merge(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)) + 1, Math::min);
                }
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return Map.of(); // not migrated yet
            }
            throw e;
        }
        Map<String, Long> byProcessor = new TreeMap<>();
        positions.forEach((processor, p) -> byProcessor.put(processor,
                p.values().stream().mapToLong(Long::longValue).sum()));
        return byProcessor;
    }
}
