package io.incidenttracker.query.audit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.incidenttracker.audit.verify.Ed25519;
import io.incidenttracker.audit.verify.Merkle;
import io.incidenttracker.testsupport.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Speed of the audit ledger against the local PostgreSQL (not a test; see docs/audit-trail.md):
 * <ol>
 *     <li>append: entries through {@link AuditLedger#append} in transactions of 100 (the ledger processor's batch
 *     size), while the checkpoint service signs a checkpoint every second and appends it to a file;</li>
 *     <li>inclusion proofs at the final size (default one million) at random indexes, from the tree loaded from
 *     the table as a restart would (tile hashes in memory; the tile of an older entry read from the table unless it
 *     is one of the 64 kept);</li>
 *     <li>full verification: {@link LedgerVerifier} re-hashing every stored entry.</li>
 * </ol>
 * Kafka is not involved: the figures are those of the ledger itself. Arguments: [entries] (default 1000000).
 */
public final class AuditBenchmark {

    private static final int BATCH = 100;

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        String database = TestDatabase.name("incident_query_bench");
        createDatabase(database);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://" + TestDatabase.HOST + "/" + database);
        config.setUsername(TestDatabase.USER);
        config.setPassword(TestDatabase.PASSWORD);
        config.setMaximumPoolSize(4);
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            Flyway flyway = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/query")
                    .placeholders(Map.of("serviceRole", "incident_query_service")).cleanDisabled(false).load();
            flyway.clean();
            flyway.migrate();
            run(dataSource, total);
        }
    }

    private static void run(HikariDataSource dataSource, int total) throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        DataSourceTransactionManager transactionManager = new DataSourceTransactionManager(dataSource);
        TransactionTemplate transactions = new TransactionTemplate(transactionManager);
        AuditLedger ledger = new AuditLedger(jdbc, new SimpleMeterRegistry());
        LedgerTree tree = new LedgerTree(ledger);
        CheckpointStore store = new CheckpointStore(jdbc);
        AuditSigningKey key = new AuditSigningKey(Ed25519.generate().getPrivate());
        Path checkpointFile = Path.of("target/audit-benchmark/checkpoints.jsonl");
        java.nio.file.Files.deleteIfExists(checkpointFile);
        CheckpointService checkpoints = new CheckpointService(tree, store, key, "incident-tracker.example/audit",
                List.of(new FileCheckpointPublisher(checkpointFile)), transactions, Duration.ofSeconds(1),
                Clock.systemUTC(), new SimpleMeterRegistry());

        System.out.printf("Audit ledger benchmark: %,d entries, PostgreSQL %s, %d cores%n", total, TestDatabase.HOST,
                          Runtime.getRuntime().availableProcessors());

        // 1. append, one checkpoint a second
        checkpoints.start();
        Random random = new Random(7);
        List<UUID> incidents = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            incidents.add(UUID.randomUUID());
        }
        long[] sequences = new long[incidents.size()];
        List<Double> perSecond = new ArrayList<>();
        long start = System.nanoTime();
        long secondStart = start;
        int secondCount = 0;
        int appended = 0;
        while (appended < total) {
            int batch = Math.min(BATCH, total - appended);
            transactions.executeWithoutResult(status -> {
                for (int i = 0; i < batch; i++) {
                    int which = random.nextInt(incidents.size());
                    ledger.append(entry(incidents.get(which), sequences[which]++, random));
                }
            });
            appended += batch;
            secondCount += batch;
            long now = System.nanoTime();
            if (now - secondStart >= 1_000_000_000L) {
                perSecond.add(secondCount * 1e9 / (now - secondStart));
                secondStart = now;
                secondCount = 0;
            }
        }
        double appendSeconds = (System.nanoTime() - start) / 1e9;
        checkpoints.stop();
        checkpoints.signIfGrown();
        Long signed = jdbc.queryForObject("SELECT count(*) FROM audit_checkpoint", Long.class);
        System.out.printf("append:       %,d entries in %.1f s = %,.0f entries/s overall; per second: median %,.0f, "
                        + "min %,.0f; %d checkpoints signed and published (file)%n",
                          total, appendSeconds, total / appendSeconds, median(perSecond), min(perSecond), signed);

        // 2. inclusion proofs at full size, from a tree loaded as at start-up
        long loadStart = System.nanoTime();
        LedgerTree loaded = new LedgerTree(ledger);
        loaded.catchUp();
        System.out.printf("tree load:    %,d leaves from the table in %.1f s%n", loaded.size(),
                          (System.nanoTime() - loadStart) / 1e9);
        long size = loaded.size();
        byte[] root = loaded.rootHash(size);
        int proofs = 20_000;
        long[] nanos = new long[proofs];
        for (int i = 0; i < proofs; i++) {
            long index = (long) (random.nextDouble() * size);
            long t0 = System.nanoTime();
            List<byte[]> proof = loaded.inclusionProof(index, size);
            nanos[i] = System.nanoTime() - t0;
            if (i % 1000 == 0 && !Merkle.verifyInclusion(index, size, loaded.leafHash(index), proof, root)) {
                throw new IllegalStateException("proof does not verify");
            }
        }
        Arrays.sort(nanos);
        System.out.printf("inclusion:    %,d proofs at tree size %,d: median %.3f ms, p99 %.3f ms, max %.3f ms%n",
                          proofs, size, nanos[proofs / 2] / 1e6, nanos[(int) (proofs * 0.99)] / 1e6,
                          nanos[proofs - 1] / 1e6);

        // 3. full verification
        LedgerVerifier verifier = new LedgerVerifier(AuditConfiguration.streaming(dataSource),
                AuditConfiguration.readOnly(transactionManager), store, loaded, key.rawPublicKey());
        List<Double> rates = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            long t0 = System.nanoTime();
            LedgerVerifier.Report report = verifier.verify();
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (!report.valid()) {
                throw new IllegalStateException("verification failed: " + report);
            }
            rates.add(report.treeSize() / seconds);
            System.out.printf("verify run %d: %,d entries in %.1f s = %,.0f entries/s (valid)%n", run + 1,
                              report.treeSize(), seconds, report.treeSize() / seconds);
        }
        System.out.printf("verify:       median %,.0f entries/s%n", median(rates));
    }

    private static AuditLedger.NewEntry entry(UUID incident, long sequence, Random random) {
        Instant occurred = Instant.parse("2023-08-30T06:15:00Z").plusSeconds(sequence * 60);
        String systemId = "sys-" + random.nextInt(10_000);
        String payload = "{\"incidentId\":\"" + incident + "\",\"systemId\":\"" + systemId
                + "\",\"reason\":\"possibly infected, isolated from the network pending forensic analysis\","
                + "\"occurredAt\":\"" + occurred + "\"}";
        String eventId = UUID.randomUUID().toString();
        return new AuditLedger.NewEntry(eventId, incident, sequence, "io.incidenttracker.incident.system-isolated.v1",
                occurred, Instant.now(), "responder", "corr-" + eventId, payload);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static void createDatabase(String name) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + TestDatabase.HOST
                + "/postgres", TestDatabase.USER, TestDatabase.PASSWORD);
             Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            statement.execute("CREATE DATABASE " + name);
        }
    }
}
