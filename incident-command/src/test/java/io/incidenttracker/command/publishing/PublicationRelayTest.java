package io.incidenttracker.command.publishing;

import com.zaxxer.hikari.HikariDataSource;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventSerializer;
import io.incidenttracker.command.CommandServiceIntegration;
import io.incidenttracker.command.incident.IncidentCommands.IsolateSystem;
import io.incidenttracker.testsupport.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.common.Registration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.HealthContributorRegistry;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.RowMapper;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The publication relay in the running service, against real PostgreSQL transactions and the real broker: it never
 * passes an event that can still commit behind its position, keeps each incident's order even when a later command's
 * transaction took the smaller transaction id, and stores its position only after the broker acknowledged.
 */
class PublicationRelayTest extends CommandServiceIntegration {

    @Autowired
    private PublicationRelay relay;

    @Autowired
    private StoredEvents storedEvents;

    @Autowired
    private CloudEventRecordConverter converter;

    @Autowired
    private DataSource dataSource;

    @Autowired
    private HealthContributorRegistry health;

    @Autowired
    private Environment environment;

    /**
     * PostgreSQL assigns a transaction id at a transaction's first write. A command whose transaction writes
     * anything before it loads the incident (the service's own commands claim their Idempotency-Key after the load,
     * but any write before it, now or in a later change, would do) can hold a smaller id than an earlier command on
     * the same incident whose event it reads and follows; and a third transaction, still running, can put the
     * horizon between the two. Here exactly that happens, with real transactions (the early id is forced with
     * {@code pg_current_xact_id()}): sequence n+1 is below the horizon, n above it.
     */
    @Test
    void anIncidentsEventsArePublishedInSequenceOrderWhenTheLaterCommandsTransactionTookTheSmallerId()
            throws Exception {
        UUID id = openIncident();
        long n = lastSequence(id) + 1;
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch load = new CountDownLatch(1);
        Registration pause = commandBus.registerHandlerInterceptor((unitOfWork, chain) -> {
            if (unitOfWork.getMessage().getMetaData().containsKey("pauseBeforeLoad")) {
                jdbc.queryForObject("SELECT pg_current_xact_id()::text", String.class); // takes its id now
                claimed.countDown();
                load.await(30, TimeUnit.SECONDS);
            }
            return chain.proceed();
        });
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection horizon = transaction()) {
            Future<Object> later = pool.submit(() -> commandGateway.sendAndWait(
                    GenericCommandMessage.asCommandMessage(isolate(id, "later")).andMetaData(Map.of(
                            "actor", "responder", "correlationId", "later", "incidentId", id.toString(),
                            "pauseBeforeLoad", true))));
            assertThat(claimed.await(30, TimeUnit.SECONDS)).isTrue();
            long horizonId = takeTransactionId(horizon);
            commandGateway.sendAndWait(GenericCommandMessage.asCommandMessage(isolate(id, "earlier"))
                    .andMetaData(Map.of("actor", "responder", "correlationId", "earlier")));
            load.countDown();
            later.get(30, TimeUnit.SECONDS);

            Position earlier = positionOf(id, n);
            Position following = positionOf(id, n + 1);
            assertThat(following.transactionId()).as("the interleaving happened: n+1 < horizon < n")
                    .isLessThan(horizonId);
            assertThat(earlier.transactionId()).isGreaterThan(horizonId);
            // n+1 lies below the server's horizon now; n lies above it, so n+1 must wait
            await().atMost(Duration.ofSeconds(30)).until(() -> serverHorizon() > following.transactionId());
            Thread.sleep(300); // dozens of relay rounds
            assertThat(relay.status().position()).as("the relay waits before n+1").isLessThan(following);
            horizon.rollback();
        } finally {
            load.countDown();
            pause.cancel();
            pool.shutdownNow();
        }
        assertThat(distinctEventsOf(id, (int) n + 2)).extracting(r -> Long.parseLong(header(r, "ce_sequence")))
                .isSorted().hasSize((int) n + 2);
    }

    @Test
    void aTransactionThatBeganFirstAndCommitsLastIsStillPublishedAndNothingAfterItGoesFirst() throws Exception {
        UUID first = openIncident();
        UUID second = openIncident();
        CountDownLatch appended = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Registration hold = commandBus.registerHandlerInterceptor((unitOfWork, chain) -> {
            Object result = chain.proceed();
            if (unitOfWork.getMessage().getMetaData().containsKey("holdCommit")) {
                unitOfWork.onPrepareCommit(u -> { // after the events are inserted, before the commit
                    appended.countDown();
                    awaitQuietly(release);
                });
            }
            return result;
        });
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Object> held = pool.submit(() -> commandGateway.sendAndWait(
                    GenericCommandMessage.asCommandMessage(isolate(first, "held"))
                            .andMetaData(Map.of("actor", "tester", "correlationId", "held", "holdCommit", true))));
            assertThat(appended.await(30, TimeUnit.SECONDS)).isTrue();
            long next = lastSequence(second) + 1;
            assertVersion(http().post("/api/incidents/" + second + "/systems/meanwhile/isolation", "responder",
                    "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}"), next);
            Position meanwhile = positionOf(second, lastSequence(second));
            Thread.sleep(300);
            assertThat(relay.status().position()).as("nothing after the running transaction goes first")
                    .isLessThan(meanwhile);
            release.countDown();
            held.get(30, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            hold.cancel();
            pool.shutdownNow();
        }
        assertThat(distinctEventsOf(first, (int) lastSequence(first) + 1)).extracting(r -> header(r, "ce_correlationid"))
                .last().isEqualTo("held");
        assertThat(distinctEventsOf(second, (int) lastSequence(second) + 1)).hasSize((int) lastSequence(second) + 1);
    }

    @Test
    void aLongRunningTransactionHoldsPublicationBackVisiblyAndThenEverythingIsPublished() throws Exception {
        assertThat(health.getContributor("publication")).isNotNull();
        assertThat(jdbc.queryForObject("SHOW idle_in_transaction_session_timeout", String.class)).isEqualTo("30s");
        UUID id;
        try (Connection longRunning = transaction()) {
            takeTransactionId(longRunning);
            id = openIncident();
            await().atMost(Duration.ofSeconds(10)).until(() -> gauge("incident.publication.lag") >= 1.0);
            assertThat(gauge("incident.publication.pending")).isGreaterThanOrEqualTo(lastSequence(id) + 1);
            assertThat(relay.status().position()).isLessThan(positionOf(id, 0));
            longRunning.rollback();
        }
        assertThat(distinctEventsOf(id, (int) lastSequence(id) + 1)).hasSize((int) lastSequence(id) + 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> gauge("incident.publication.pending") == 0);
        assertThat(gauge("incident.publication.lag")).isZero();
    }

    /**
     * The relay's meters: each batch it publishes is counted once in each phase (send, commit, position) with its
     * events in the batch size, and each read of the store in one of the read timers, found or empty.
     */
    @Test
    void theRelaysMetersCountEachPublishedBatchInEveryPhaseAndItsEvents() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> gauge("incident.publication.pending") == 0);
        // no batch between its read and its stored position: every phase has counted the same batches
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            long stored = timerCount("incident.publication.position");
            return readCount("found") == stored && timerCount("incident.publication.send") == stored
                    && timerCount("incident.publication.commit") == stored;
        });
        long sends = timerCount("incident.publication.send");
        long commits = timerCount("incident.publication.commit");
        long positions = timerCount("incident.publication.position");
        long found = readCount("found");
        double events = meters.get("incident.publication.batch.size").summary().totalAmount();

        UUID id = openIncident();
        Position end = positionOf(id, lastSequence(id));
        await().atMost(Duration.ofSeconds(30)).until(() -> !end.isAfter(relay.status().position()));
        await().atMost(Duration.ofSeconds(30)).until(() -> gauge("incident.publication.pending") == 0);

        long batches = timerCount("incident.publication.position") - positions;
        assertThat(batches).as("batches published for the new incident").isPositive();
        assertThat(timerCount("incident.publication.send") - sends).isEqualTo(batches);
        assertThat(timerCount("incident.publication.commit") - commits).isEqualTo(batches);
        assertThat(readCount("found") - found).isEqualTo(batches);
        assertThat(meters.get("incident.publication.batch.size").summary().totalAmount() - events)
                .as("events published in those batches").isEqualTo(lastSequence(id) + 1);
        await("the idle relay polls the store").atMost(Duration.ofSeconds(5))
                .until(() -> readCount("empty") > 0);
        assertThat(meters.get("incident.publication.failures").counter().count()).isZero();
    }

    /**
     * The service's relay has two producers, under its transactional id and the same with -2, and its batches take
     * turns between them (decision 0044): once a few batches went out, the broker's transaction coordinator knows both
     * ids and has seen each commit a transaction (a producer only initialized would be EMPTY).
     */
    @Test
    void theRelaysBatchesTakeTurnsBetweenItsTwoTransactionalProducers() throws Exception {
        String transactionalId = environment.getProperty("incidenttracker.kafka.publisher.transactional-id",
                "incident-command-publisher");
        long before = timerCount("incident.publication.commit");
        while (timerCount("incident.publication.commit") < before + 2) {
            UUID id = openIncident();
            Position end = positionOf(id, lastSequence(id));
            await().atMost(Duration.ofSeconds(30)).until(() -> !end.isAfter(relay.status().position()));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                BROKER.getBrokersAsString()))) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Map<String, TransactionState> states = new HashMap<>();
                admin.listTransactions().all().get(10, TimeUnit.SECONDS).stream()
                        .filter(listing -> listing.transactionalId().startsWith(transactionalId))
                        .forEach(listing -> states.put(listing.transactionalId(), listing.state()));
                assertThat(states).containsOnlyKeys(transactionalId, transactionalId + "-2");
                assertThat(states.values()).as("each producer has committed a batch")
                        .containsOnly(TransactionState.COMPLETE_COMMIT);
            });
        }
    }

    private long timerCount(String name) {
        return meters.get(name).tag("publisher", relay.name()).timer().count();
    }

    private long readCount(String outcome) {
        return meters.get("incident.publication.read").tag("publisher", relay.name()).tag("outcome", outcome)
                .timer().count();
    }

    /**
     * The query service's projection batches, a rebuild or a report on another database of the same server hold
     * transaction ids too, and the server's horizon with them; none of them can write to the event store, so they do
     * not hold publication back (decision 0034).
     */
    @Test
    void aLongTransactionOfAnotherDatabaseOnTheServerDoesNotHoldPublicationBack() throws Exception {
        try (Connection elsewhere = transactionIn(TestDatabase.url("postgres"))) {
            long foreign = takeTransactionIdElsewhere(elsewhere);
            UUID id = openIncident();
            Position end = positionOf(id, lastSequence(id));
            assertThat(serverHorizon()).as("the other database's transaction holds the server's horizon")
                    .isLessThanOrEqualTo(foreign);
            await().atMost(Duration.ofSeconds(10)).alias("the relay publishes past " + end)
                    .until(() -> !end.isAfter(relay.status().position()));
            assertThat(distinctEventsOf(id, (int) lastSequence(id) + 1)).hasSize((int) lastSequence(id) + 1);
            assertThat(serverHorizon()).as("still running").isLessThanOrEqualTo(foreign);
            elsewhere.rollback();
        }
    }

    /**
     * The other database's transaction is recognised whatever role the service reads as: PostgreSQL shows every
     * session's database and transaction id to every role (only the rest of another role's activity is hidden), so
     * the deployment's unprivileged owner role of the event store needs no grant for it.
     */
    @Test
    void anUnprivilegedRoleSeesAnotherDatabasesTransactionAsSuch() throws Exception {
        String role = "relay_reader_" + UUID.randomUUID().toString().replace("-", "");
        jdbc.execute("CREATE ROLE " + role + " NOLOGIN");
        jdbc.execute("GRANT SELECT ON domain_event_entry TO " + role);
        try (Connection elsewhere = transactionIn(TestDatabase.url("postgres"));
             Connection reader = TestDatabase.connect(DATABASE)) {
            long foreign = takeTransactionIdElsewhere(elsewhere);
            openIncident(); // a later transaction completes, so the other one is among the snapshot's running ones
            try (Statement statement = reader.createStatement()) {
                statement.execute("SET ROLE " + role);
            }
            StoredEvents.prepareSession(reader);
            assertThat(serverHorizon()).isLessThanOrEqualTo(foreign);
            assertThat(storedEvents.read(reader, Position.START, 1).horizon()).isGreaterThan(foreign);
            elsewhere.rollback();
        } finally {
            jdbc.execute("REVOKE ALL ON domain_event_entry FROM " + role);
            jdbc.execute("DROP ROLE " + role);
        }
    }

    @Test
    void anAppendThatRollsBackLeavesNothingToPublishAndTheIncidentContinuesInOrder() throws Exception {
        UUID id = openIncident();
        long before = lastSequence(id);
        Registration refuse = commandBus.registerHandlerInterceptor((unitOfWork, chain) -> {
            Object result = chain.proceed();
            if (unitOfWork.getMessage().getMetaData().containsKey("refuseAfterAppend")) {
                unitOfWork.onPrepareCommit(u -> {
                    throw new IllegalStateException("refused after the append");
                });
            }
            return result;
        });
        try {
            assertThatThrownBy(() -> commandGateway.sendAndWait(
                    GenericCommandMessage.asCommandMessage(isolate(id, "rolled-back"))
                            .andMetaData(Map.of("actor", "tester", "correlationId", "x", "refuseAfterAppend", true))))
                    .hasMessageContaining("refused after the append");
        } finally {
            refuse.cancel();
        }
        assertThat(lastSequence(id)).isEqualTo(before);
        assertVersion(http().post("/api/incidents/" + id + "/systems/kept/isolation", "responder",
                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}"), before + 1);
        List<ConsumerRecord<String, byte[]>> records = distinctEventsOf(id, (int) before + 2);
        assertThat(records).extracting(r -> Long.parseLong(header(r, "ce_sequence"))).isSorted()
                .hasSize((int) before + 2);
        assertThat(records).noneMatch(r -> new String(r.value()).contains("rolled-back"));
    }

    /**
     * The relay reads with plans prepared once ({@code plan_cache_mode}) on the pooled session it holds; when it stops,
     * the session goes back to the pool as the pool gave it, so that no command's statement is planned under the
     * relay's setting. Every connection the pool can give out (all but the service's own relay's) is looked at.
     */
    @Test
    void aStoppedRelayHandsItsSessionBackToThePoolAsItTookIt() throws Exception {
        String topic = createTopic("relay-session-");
        PublicationRelay other = relay("session-" + UUID.randomUUID(), topic, BROKER.getBrokersAsString(),
                Duration.ofSeconds(10));
        other.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> other.status().leader());
        } finally {
            other.stop();
        }
        HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
        List<Connection> borrowed = new ArrayList<>();
        try {
            for (int i = 0; i < pool.getMaximumPoolSize() - 1; i++) {
                Connection connection = pool.getConnection();
                borrowed.add(connection);
                try (Statement statement = connection.createStatement();
                     var rows = statement.executeQuery("SHOW plan_cache_mode")) {
                    rows.next();
                    assertThat(rows.getString(1)).as("plan_cache_mode of pooled session %d", i).isEqualTo("auto");
                }
            }
        } finally {
            for (Connection connection : borrowed) {
                connection.close();
            }
        }
    }

    /**
     * A relay of its own (name and topic) over the same store: while its broker does not answer, its batches fail
     * and its position stays; after a restart with a broker it publishes everything from there; after a clean stop
     * and a restart it continues where it stopped, sending none of what it had published before again. (A batch
     * retried on a loaded machine may put its own events on the topic twice: at least once.)
     */
    @Test
    void thePositionMovesOnlyAfterTheBrokerAcknowledgedAndSurvivesARestart() throws Exception {
        String topic = createTopic("relay-restart-");
        openIncident();
        String name = "restart-" + UUID.randomUUID();

        SimpleMeterRegistry unreachableMeters = new SimpleMeterRegistry();
        PublicationRelay unreachable = relay(name, topic, "127.0.0.1:9", Duration.ofSeconds(1), unreachableMeters);
        unreachable.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> unreachable.status().failedBatches() >= 1);
        } finally {
            unreachable.stop();
        }
        assertThat(storedPosition(name)).isEqualTo(Position.START);
        assertThat(unreachableMeters.get("incident.publication.failures").counter().count())
                .isEqualTo(unreachable.status().failedBatches());
        assertThat(unreachableMeters.get("incident.publication.position").timer().count()).isZero();

        Position end = lastPosition();
        PublicationRelay restarted = relay(name, topic, BROKER.getBrokersAsString(), Duration.ofSeconds(10));
        restarted.start();
        try {
            await().atMost(Duration.ofSeconds(30)).alias("the restarted relay reaches " + end)
                    .conditionEvaluationListener(condition -> {
                        if (condition.getRemainingTimeInMS() <= 0) {
                            System.err.println("Relay " + name + " at " + storedPosition(name) + ": "
                                    + restarted.status() + ", server horizon " + serverHorizon());
                        }
                    })
                    .until(() -> !end.isAfter(storedPosition(name)));
        } finally {
            restarted.stop();
        }
        long published = eventsUpTo(storedPosition(name));
        List<String> before = recordIds(topic, published);
        assertThat(new HashSet<>(before)).hasSize((int) published);

        UUID later = openIncident();
        Position laterEnd = positionOf(later, lastSequence(later));
        PublicationRelay again = relay(name, topic, BROKER.getBrokersAsString(), Duration.ofSeconds(10));
        again.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !laterEnd.isAfter(storedPosition(name)));
        } finally {
            again.stop();
        }
        long total = eventsUpTo(storedPosition(name));
        List<String> ids = recordIds(topic, before.size() + total - published);
        List<String> sentAfterRestart = ids.subList(before.size(), ids.size());
        assertThat(new HashSet<>(ids)).hasSize((int) total);
        assertThat(sentAfterRestart).as("nothing published before the restart is sent again")
                .doesNotContainAnyElementsOf(before);
    }

    /** A topic of one partition, of its own for one test's relay. */
    private static String createTopic(String prefix) throws Exception {
        String topic = prefix + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                BROKER.getBrokersAsString()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
        }
        return topic;
    }

    private PublicationRelay relay(String name, String topic, String bootstrapServers, Duration requestTimeout) {
        return relay(name, topic, bootstrapServers, requestTimeout, new SimpleMeterRegistry());
    }

    private PublicationRelay relay(String name, String topic, String bootstrapServers, Duration requestTimeout,
                                   SimpleMeterRegistry registry) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 200);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestTimeout.toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) requestTimeout.toMillis() + 500);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "relay-test-" + name);
        Supplier<Producer<String, CloudEvent>> producers = () -> new KafkaProducer<>(config);
        return new PublicationRelay(name, dataSource, storedEvents, converter, List.of(producers), topic, 500,
                Duration.ofMillis(5), requestTimeout.plusSeconds(1), Duration.ofMillis(250),
                new PublicationMeters(registry, name));
    }

    private static IsolateSystem isolate(UUID id, String system) {
        return new IsolateSystem(id, null, system, Instant.parse("2023-08-30T07:00:00Z"), null, null);
    }

    private long lastSequence(UUID id) {
        return jdbc.queryForObject("SELECT max(sequence_number) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Long.class, id.toString());
    }

    private static final RowMapper<Position> POSITION =
            (rs, n) -> new Position(Long.parseLong(rs.getString(1)), rs.getLong(2));

    private Position positionOf(UUID id, long sequence) {
        return jdbc.queryForObject("SELECT transaction_id::text, global_index FROM domain_event_entry "
                + "WHERE aggregate_identifier = ? AND sequence_number = ?", POSITION, id.toString(), sequence);
    }

    private Position lastPosition() {
        return jdbc.queryForObject("SELECT transaction_id::text, global_index FROM domain_event_entry "
                + "ORDER BY transaction_id DESC, global_index DESC LIMIT 1", POSITION);
    }

    private Position storedPosition(String name) {
        return jdbc.queryForObject("SELECT transaction_id::text, global_index FROM publication_position "
                + "WHERE publisher = ?", POSITION, name);
    }

    private long eventsUpTo(Position position) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry "
                        + "WHERE (transaction_id, global_index) <= (?::text::xid8, ?)", Long.class,
                Long.toString(position.transactionId()), position.globalIndex());
    }

    private long serverHorizon() {
        return Long.parseLong(jdbc.queryForObject("SELECT pg_snapshot_xmin(pg_current_snapshot())::text",
                String.class));
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    /** A transaction on its own connection, outside the service's pool. */
    private static Connection transaction() throws SQLException {
        return transactionIn(DATABASE);
    }

    private static Connection transactionIn(String database) throws SQLException {
        Connection connection = TestDatabase.connect(database);
        connection.setAutoCommit(false);
        return connection;
    }

    /** Gives the transaction (in any database) its id now. */
    private static long takeTransactionIdElsewhere(Connection transaction) throws SQLException {
        try (Statement statement = transaction.createStatement();
             var rows = statement.executeQuery("SELECT pg_current_xact_id()::text")) {
            rows.next();
            return Long.parseLong(rows.getString(1));
        }
    }

    /** Writes in the transaction (an idempotency claim of a test principal), so that it holds a transaction id. */
    private static long takeTransactionId(Connection transaction) throws SQLException {
        try (Statement statement = transaction.createStatement()) {
            statement.execute("INSERT INTO idempotency_record (principal, idempotency_key, request_hash) VALUES "
                    + "('relay-test', '" + UUID.randomUUID() + "', repeat('0', 64))");
            try (var rows = statement.executeQuery("SELECT pg_current_xact_id()::text")) {
                rows.next();
                return Long.parseLong(rows.getString(1));
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The ce_id of every record on the topic, once there are at least {@code expected}. */
    private static List<String> recordIds(String topic, long expected) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.getBrokersAsString());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<String> ids = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> ids.add(header(record, "ce_id")));
                return ids.size() >= expected;
            });
            consumer.poll(Duration.ofMillis(300)).forEach(record -> ids.add(header(record, "ce_id")));
        }
        return ids;
    }
}
