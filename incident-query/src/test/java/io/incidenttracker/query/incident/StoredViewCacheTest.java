package io.incidenttracker.query.incident;

import io.incidenttracker.query.consuming.ProcessorClaims;
import io.incidenttracker.query.consuming.Processors;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionSynchronizationUtils;
import org.springframework.util.unit.DataSize;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stored views kept in memory: answered from there only while this instance holds the incident projection's
 * claim, forgotten at every change told (at once and again when its transaction commits), never filled by a read
 * that raced a change of its view, bounded in bytes.
 */
class StoredViewCacheTest {

    private static final String PROJECTION = Processors.INCIDENT_PROJECTION;

    private final ProcessorClaims claims = new ProcessorClaims(Duration.ofSeconds(10));
    private final StoredViewCache cache = cache(claims, DataSize.ofMegabytes(1));
    private final UUID incident = UUID.randomUUID();

    @AfterEach
    void endSynchronization() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.clearSynchronization();
        }
    }

    @Test
    void aRepeatedReadIsAnsweredFromMemoryWhileThisInstanceHoldsTheProjection() {
        claims.confirmed(PROJECTION, System.nanoTime());
        Database database = new Database("v1");

        assertThat(body(cache.read(incident, database))).isEqualTo("v1");
        database.now = "changed behind the cache";
        assertThat(body(cache.read(incident, database))).as("from memory").isEqualTo("v1");
        assertThat(database.reads.get()).isEqualTo(1);
        assertThat(cache.serving()).isTrue();
    }

    @Test
    void anInstanceThatDoesNotHoldTheProjectionReadsTheDatabaseEveryTime() {
        Database database = new Database("v1");
        cache.read(incident, database);
        database.now = "v2";

        assertThat(body(cache.read(incident, database))).isEqualTo("v2");
        assertThat(database.reads.get()).isEqualTo(2);
        assertThat(cache.serving()).isFalse();
    }

    @Test
    void aClaimGivenUpStopsTheAnswersFromMemoryAndOneHeldAgainStartsEmpty() {
        claims.confirmed(PROJECTION, System.nanoTime());
        Database database = new Database("v1");
        cache.read(incident, database);

        claims.lost(PROJECTION);
        database.now = "written by another instance";
        assertThat(body(cache.read(incident, database))).isEqualTo("written by another instance");

        claims.confirmed(PROJECTION, System.nanoTime());
        assertThat(body(cache.read(incident, database))).as("not the entry of the earlier claim")
                .isEqualTo("written by another instance");
        assertThat(database.reads.get()).isEqualTo(3);
    }

    @Test
    void aClaimNotConfirmedForHalfItsTimeoutIsNoLongerTrusted() throws InterruptedException {
        ProcessorClaims shortClaims = new ProcessorClaims(Duration.ofMillis(200));
        StoredViewCache shortCache = cache(shortClaims, DataSize.ofMegabytes(1));
        shortClaims.confirmed(PROJECTION, System.nanoTime());
        Database database = new Database("v1");
        shortCache.read(incident, database);

        Thread.sleep(150);
        database.now = "v2";
        assertThat(shortCache.serving()).isFalse();
        assertThat(body(shortCache.read(incident, database))).isEqualTo("v2");

        shortClaims.confirmed(PROJECTION, System.nanoTime());
        assertThat(body(shortCache.read(incident, database))).as("a lapse begins a new epoch: nothing kept from before")
                .isEqualTo("v2");
        assertThat(database.reads.get()).isEqualTo(3);
    }

    @Test
    void aChangeIsForgottenAtOnceAndAgainWhenItsTransactionCommits() {
        claims.confirmed(PROJECTION, System.nanoTime());
        Database database = new Database("v1");
        cache.read(incident, database);

        TransactionSynchronizationManager.initSynchronization();
        cache.changed(List.of(incident), false);
        // a read while the change is not committed yet reads the committed (older) row, and may keep it...
        assertThat(body(cache.read(incident, database))).isEqualTo("v1");
        assertThat(database.reads.get()).isEqualTo(2);
        database.now = "v2";
        commit();
        // ...until the commit, which forgets it again before anyone is told of the change
        assertThat(body(cache.read(incident, database))).isEqualTo("v2");
    }

    @Test
    void aChangeRolledBackIsForgottenToo() {
        claims.confirmed(PROJECTION, System.nanoTime());
        Database database = new Database("v1");
        TransactionSynchronizationManager.initSynchronization();
        cache.changed(List.of(incident), false);
        cache.read(incident, database);
        end(false);

        cache.read(incident, database);
        assertThat(database.reads.get()).isEqualTo(2);
    }

    @Test
    void theForgettingRunsBeforeTheOtherSynchronizationsOfTheCommit() {
        claims.confirmed(PROJECTION, System.nanoTime());
        Database database = new Database("v1");
        cache.read(incident, database);
        TransactionSynchronizationManager.initSynchronization();
        StringBuilder toldListeners = new StringBuilder();
        // registered first, as the view change log's notification is, and told after the cache has forgotten
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                toldListeners.append(body(cache.read(incident, database)));
            }
        });
        cache.changed(List.of(incident), false);
        cache.read(incident, database); // before the commit: the committed row is still the older one, and kept
        database.now = "v2";
        commit();

        assertThat(toldListeners).hasToString("v2");
    }

    @Test
    void aReadThatRacedAChangeOfItsViewDoesNotKeepWhatItRead() {
        claims.confirmed(PROJECTION, System.nanoTime());
        Database database = new Database("v1");
        assertThat(body(cache.read(incident, readWhile(database, () -> // its change told meanwhile
                cache.changed(List.of(UUID.randomUUID(), incident), false))))).isEqualTo("v1");

        database.now = "v2";
        assertThat(body(cache.read(incident, database))).isEqualTo("v2");

        Database board = new Database("board 1");
        cache.read(StoredViewCache.BOARD, readWhile(board, () -> cache.changed(List.of(), true)));
        board.now = "board 2";
        assertThat(body(cache.read(StoredViewCache.BOARD, board))).isEqualTo("board 2");
    }

    @Test
    void aReadKeepsWhatItReadWhileOtherViewsChange() {
        claims.confirmed(PROJECTION, System.nanoTime());
        Database database = new Database("v1");
        assertThat(body(cache.read(incident, readWhile(database, () -> // another detail and the board, told meanwhile
                cache.changed(List.of(UUID.randomUUID()), true))))).isEqualTo("v1");

        database.now = "changed behind the cache";
        assertThat(body(cache.read(incident, database))).as("from memory").isEqualTo("v1");
        assertThat(database.reads.get()).isEqualTo(1);
    }

    @Test
    void aReadDuringMoreChangesThanAreRememberedDoesNotKeepWhatItRead() {
        claims.confirmed(PROJECTION, System.nanoTime());
        Database database = new Database("v1");
        cache.read(incident, readWhile(database, () -> {
            cache.changed(List.of(incident), false);
            changeOthers(5_000); // its own change is no longer remembered
        }));
        database.now = "v2";
        assertThat(body(cache.read(incident, database))).isEqualTo("v2");
        cache.changed(List.of(incident), false);

        cache.read(incident, readWhile(database, () -> changeOthers(5_000)));
        database.now = "v3";
        assertThat(body(cache.read(incident, database))).as("not kept: it began before what is remembered")
                .isEqualTo("v3");
        assertThat(body(cache.read(incident, database))).as("kept by the read after").isEqualTo("v3");
        assertThat(database.reads.get()).isEqualTo(4);
    }

    @Test
    void aViewKeptWhenItChangedIsKeptAsItsTransactionWroteItOnceItCommits() {
        Database board = boardKeptThenWritten();
        assertThat(body(cache.read(StoredViewCache.BOARD, board))).as("not before the commit").isEqualTo("board 1");
        board.now = "board 2";
        commit();

        board.now = "changed behind the cache";
        assertThat(body(cache.read(StoredViewCache.BOARD, board))).as("as written, from memory").isEqualTo("board 2");
        assertThat(cache.read(StoredViewCache.BOARD, board).etag()).isEqualTo(stored("board 2").etag());
        assertThat(board.reads.get()).as("the read before the commit only").isEqualTo(2);
    }

    @Test
    void aDetailKeptWhenABatchChangedItIsKeptAsItsRenderingAfterTheBatchStoredIt() {
        claims.confirmed(PROJECTION, System.nanoTime());
        Database database = new Database("v1");
        cache.read(incident, database);
        batchChanged(incident); // the batch marks it pending

        TransactionSynchronizationManager.initSynchronization();
        cache.written(incident, stored("v2")); // the rendering, holding the detail's row
        commit();

        database.now = "changed behind the cache";
        assertThat(body(cache.read(incident, database))).as("from memory").isEqualTo("v2");
        assertThat(database.reads.get()).isEqualTo(1);
    }

    @Test
    void aViewKeptAsWrittenIsKeptAgainAtItsNextChangeOnlyIfReadMeanwhile() {
        Database board = boardKeptThenWritten();
        commit(); // "board 2" kept as written

        TransactionSynchronizationManager.initSynchronization();
        cache.changed(List.of(), true);
        cache.written(StoredViewCache.BOARD, stored("board 3"));
        commit();
        board.now = "board 3";
        assertThat(body(cache.read(StoredViewCache.BOARD, board))).as("not read since: not kept again").isEqualTo("board 3");
        assertThat(board.reads.get()).isEqualTo(2);

        TransactionSynchronizationManager.initSynchronization(); // read since ("board 3", filled by the read above)
        cache.changed(List.of(), true);
        cache.written(StoredViewCache.BOARD, stored("board 4"));
        commit();
        assertThat(body(cache.read(StoredViewCache.BOARD, board))).as("from memory").isEqualTo("board 4");

        TransactionSynchronizationManager.initSynchronization(); // read since ("board 4", answered from memory)
        cache.changed(List.of(), true);
        cache.written(StoredViewCache.BOARD, stored("board 5"));
        commit();
        assertThat(body(cache.read(StoredViewCache.BOARD, board))).as("from memory").isEqualTo("board 5");
        assertThat(board.reads.get()).isEqualTo(2);
    }

    @Test
    void aReadThatRacedTheCommitOfAWriteDoesNotPutTheOlderViewBack() {
        Database board = boardKeptThenWritten();
        List<TransactionSynchronization> batch = TransactionSynchronizationManager.getSynchronizations();
        TransactionSynchronizationManager.clearSynchronization();
        // a read of the committed row ("board 1"), during which the batch commits and keeps "board 2"
        cache.read(StoredViewCache.BOARD, () -> {
            ViewDocuments.Stored older = board.get();
            TransactionSynchronizationManager.initSynchronization();
            batch.forEach(TransactionSynchronizationManager::registerSynchronization);
            commit();
            return older;
        });

        board.now = "changed behind the cache";
        assertThat(body(cache.read(StoredViewCache.BOARD, board))).as("as written").isEqualTo("board 2");
    }

    @Test
    void aWriteIsNotKeptWhenTheClaimWasLostBeforeItCommitted() {
        Database board = boardKeptThenWritten();
        claims.lost(PROJECTION);
        commit();
        claims.confirmed(PROJECTION, System.nanoTime());

        board.now = "board 2";
        cache.read(StoredViewCache.BOARD, board);
        assertThat(board.reads.get()).as("read from the database again").isEqualTo(2);
    }

    @Test
    void aViewNotKeptWhenItChangedIsNotKeptByItsWrite() {
        claims.confirmed(PROJECTION, System.nanoTime());
        Database other = new Database("{}"); // another view read: this instance answers from memory
        cache.read(UUID.randomUUID(), other);
        long kept = cache.bytes();
        TransactionSynchronizationManager.initSynchronization();
        cache.changed(List.of(incident), true);
        cache.written(incident, stored("v2"));
        cache.written(StoredViewCache.BOARD, stored("board 2"));
        commit();

        assertThat(cache.bytes()).as("nobody read them: nothing deflated or kept").isEqualTo(kept);
        Database database = new Database("v2");
        cache.read(incident, database);
        assertThat(database.reads.get()).isEqualTo(1);
    }

    @Test
    void aWriteIsNotKeptWhenAnotherChangeOfItsViewIsToldBeforeItCommits() {
        claims.confirmed(PROJECTION, System.nanoTime());
        Database database = new Database("v1");
        cache.read(incident, database);
        batchChanged(incident);

        TransactionSynchronizationManager.initSynchronization();
        cache.written(incident, stored("v2"));
        cache.changed(List.of(UUID.randomUUID()), true); // other views' changes do not matter...
        List<TransactionSynchronization> rendering = TransactionSynchronizationManager.getSynchronizations();
        TransactionSynchronizationManager.clearSynchronization();
        cache.changed(List.of(incident), false); // ...but this one, told by another writer, does
        TransactionSynchronizationManager.initSynchronization();
        rendering.forEach(TransactionSynchronizationManager::registerSynchronization);
        database.now = "v3";
        commit();

        assertThat(body(cache.read(incident, database))).isEqualTo("v3");
        assertThat(database.reads.get()).isEqualTo(2);
    }

    @Test
    void aWriteRolledBackIsNotKeptAndItsChangesAreForgotten() {
        Database board = boardKeptThenWritten();
        cache.read(StoredViewCache.BOARD, board); // before the end: the committed row, kept
        end(false);

        assertThat(body(cache.read(StoredViewCache.BOARD, board))).isEqualTo("board 1");
        assertThat(board.reads.get()).as("forgotten at the rollback, read again").isEqualTo(3);
    }

    @Test
    void aWriteIsNotKeptWithoutATransactionOrWhileThisInstanceDoesNotServe() {
        Database database = new Database("v1");
        TransactionSynchronizationManager.initSynchronization();
        cache.changed(List.of(incident), false);
        cache.written(incident, stored("v2")); // not serving
        commit();
        claims.confirmed(PROJECTION, System.nanoTime());
        cache.read(incident, database);
        cache.changed(List.of(incident), false);
        cache.written(incident, stored("v2")); // no transaction
        assertThat(body(cache.read(incident, database))).isEqualTo("v1");
        assertThat(database.reads.get()).isEqualTo(2);
    }

    @Test
    void theBoardIsForgottenWithAChangeOfServicesAndEverythingWithAReset() {
        claims.confirmed(PROJECTION, System.nanoTime());
        Database board = new Database("board 1");
        Database detail = new Database("detail 1");
        cache.read(StoredViewCache.BOARD, board);
        cache.read(incident, detail);

        board.now = "board 2";
        cache.changed(List.of(), false);
        assertThat(body(cache.read(StoredViewCache.BOARD, board))).as("no service changed").isEqualTo("board 1");
        cache.changed(List.of(), true);
        assertThat(body(cache.read(StoredViewCache.BOARD, board))).isEqualTo("board 2");

        detail.now = "detail 2";
        cache.changedAll();
        assertThat(body(cache.read(incident, detail))).isEqualTo("detail 2");
        assertThat(cache.bytes()).isPositive();
    }

    @Test
    void aDetailNotStoredIsNotKept() {
        claims.confirmed(PROJECTION, System.nanoTime());
        AtomicInteger reads = new AtomicInteger();
        assertThat(cache.read(incident, () -> {
            reads.incrementAndGet();
            return null; // pending, or unknown
        })).isNull();
        cache.read(incident, () -> {
            reads.incrementAndGet();
            return null;
        });
        assertThat(reads).hasValue(2);
        assertThat(cache.bytes()).isZero();
    }

    @Test
    void theEntriesStayWithinTheirBound() {
        StoredViewCache small = cache(claims, DataSize.ofKilobytes(20));
        claims.confirmed(PROJECTION, System.nanoTime());
        Random random = new Random(7);
        for (int i = 0; i < 100; i++) {
            byte[] kilobyte = new byte[1024]; // random bytes do not deflate: kept as read
            random.nextBytes(kilobyte);
            small.read(UUID.randomUUID(), () -> new ViewDocuments.Stored("\"k\"", kilobyte));
            assertThat(small.bytes()).isLessThanOrEqualTo(20 * 1024);
        }
        assertThat(small.bytes()).isGreaterThan(10 * 1024);
    }

    @Test
    void aBodyIsKeptDeflatedAndAnsweredByteForByte() {
        claims.confirmed(PROJECTION, System.nanoTime());
        String detail = detailLike(60);
        Database database = new Database(detail);

        cache.read(incident, database);
        assertThat(cache.bytes()).as("kept deflated").isLessThan(detail.length() / 3);
        for (int i = 0; i < 3; i++) {
            ViewDocuments.Stored fromMemory = cache.read(incident, database);
            assertThat(fromMemory.body()).isEqualTo(detail.getBytes(StandardCharsets.UTF_8));
            assertThat(fromMemory.etag()).isEqualTo(stored(detail).etag());
        }
        assertThat(database.reads.get()).isEqualTo(1);
    }

    @Test
    void aDetailIsDeflatedWithTheVocabularyOfDetailsIntoFewerBytesThanAlone() {
        claims.confirmed(PROJECTION, System.nanoTime());
        String detail = detailShaped(8);
        byte[] bytes = detail.getBytes(StandardCharsets.UTF_8);
        java.util.zip.Deflater alone = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_SPEED);
        alone.setInput(bytes);
        alone.finish();
        int aloneLength = alone.deflate(new byte[bytes.length]);
        alone.end();

        cache.read(incident, new Database(detail));
        long kept = cache.bytes() - 200; // less the entry's overhead
        assertThat(kept).as("deflated with the dictionary: %s bytes of %s; alone %s", kept, bytes.length, aloneLength)
                .isLessThan(aloneLength * 4L / 5);
        assertThat(body(cache.read(incident, new Database("not read")))).isEqualTo(detail);
    }

    @Test
    void aViewTheClientHoldsAlreadyIsAnsweredFromMemoryWithItsEtagAloneAndNoBody() {
        claims.confirmed(PROJECTION, System.nanoTime());
        String detail = detailLike(60);
        Database database = new Database(detail);
        String etag = stored(detail).etag();
        cache.read(incident, database);

        ViewDocuments.Stored unchanged = cache.read(incident, etag::equals, database);
        assertThat(unchanged.etag()).isEqualTo(etag);
        assertThat(unchanged.body()).as("a 304 needs no body, and none is inflated").isNull();
        assertThat(body(cache.read(incident, tag -> false, database))).isEqualTo(detail);
        assertThat(database.reads.get()).isEqualTo(1);
    }

    @Test
    void theBoundCountsTheBytesKeptSoDeflatedViewsFitManyTimesOver() {
        StoredViewCache small = cache(claims, DataSize.ofKilobytes(64));
        claims.confirmed(PROJECTION, System.nanoTime());
        List<UUID> incidents = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            UUID each = UUID.randomUUID();
            incidents.add(each);
            String detail = detailLike(40 + i); // each about 7 KB: 140 KB in all, over twice the bound as read
            small.read(each, () -> stored(detail));
        }
        AtomicInteger reads = new AtomicInteger();
        for (UUID each : incidents) {
            small.read(each, () -> {
                reads.incrementAndGet();
                return stored("read again");
            });
        }
        assertThat(reads).as("every detail answered from memory").hasValue(0);
        assertThat(small.bytes()).isLessThanOrEqualTo(64 * 1024);
    }

    @Test
    void aShortBodyIsKeptAsRead() {
        claims.confirmed(PROJECTION, System.nanoTime());
        Database database = new Database("{\"services\":[]}");
        cache.read(StoredViewCache.BOARD, database);
        assertThat(body(cache.read(StoredViewCache.BOARD, database))).isEqualTo("{\"services\":[]}");
        assertThat(cache.bytes()).isEqualTo("{\"services\":[]}".length() + 200);
    }

    @Test
    void aSizeOfZeroKeepsNothing() {
        StoredViewCache off = cache(claims, DataSize.ofBytes(0));
        claims.confirmed(PROJECTION, System.nanoTime());
        Database database = new Database("v1");
        off.read(incident, database);
        off.read(incident, database);
        assertThat(database.reads.get()).isEqualTo(2);
        assertThat(off.serving()).isFalse();
    }

    /** A read of the database during which {@code meanwhile} tells changes. */
    private static java.util.function.Supplier<ViewDocuments.Stored> readWhile(Database database, Runnable meanwhile) {
        return () -> {
            ViewDocuments.Stored read = database.get();
            meanwhile.run();
            return read;
        };
    }

    /** Changes of as many other details, each told on its own. */
    private void changeOthers(int count) {
        for (int i = 0; i < count; i++) {
            cache.changed(List.of(UUID.randomUUID()), false);
        }
    }

    /**
     * The board "board 1" read and kept, then a transaction begun that changes it and writes "board 2" (not
     * committed).
     */
    private Database boardKeptThenWritten() {
        claims.confirmed(PROJECTION, System.nanoTime());
        Database board = new Database("board 1");
        cache.read(StoredViewCache.BOARD, board);
        TransactionSynchronizationManager.initSynchronization();
        cache.changed(List.of(), true);
        cache.written(StoredViewCache.BOARD, stored("board 2"));
        return board;
    }

    /** A batch's transaction that changed the detail, committed. */
    private void batchChanged(UUID detail) {
        TransactionSynchronizationManager.initSynchronization();
        cache.changed(List.of(detail), false);
        commit();
    }

    private static void commit() {
        end(true);
    }

    /** Ends the transaction begun with {@code initSynchronization()} as Spring's transaction manager would. */
    private static void end(boolean committed) {
        List<TransactionSynchronization> synchronizations = TransactionSynchronizationManager.getSynchronizations();
        TransactionSynchronizationManager.clearSynchronization();
        if (committed) {
            TransactionSynchronizationUtils.invokeAfterCommit(synchronizations);
        }
        TransactionSynchronizationUtils.invokeAfterCompletion(synchronizations, committed
                ? TransactionSynchronization.STATUS_COMMITTED : TransactionSynchronization.STATUS_ROLLED_BACK);
    }

    private static StoredViewCache cache(ProcessorClaims claims, DataSize size) {
        return new StoredViewCache(claims, new ViewProperties(null, null, null, null, null, null, size),
                                   new SimpleMeterRegistry());
    }

    /** JSON shaped as a detail is: a timeline of entries with the same names and similar values. */
    private static String detailLike(int entries) {
        StringBuilder json = new StringBuilder("{\"incidentId\":\"" + UUID.randomUUID() + "\",\"timeline\":[");
        Random random = new Random(entries);
        for (int i = 0; i < entries; i++) {
            json.append(i == 0 ? "" : ",").append("{\"sequence\":").append(i)
                .append(",\"type\":\"ServiceDisrupted\",\"recordedAt\":\"2026-12-04T23:").append(10 + i % 50)
                .append(':').append(10 + random.nextInt(50)).append(".").append(random.nextInt(1000))
                .append("Z\",\"serviceId\":\"svc-").append(random.nextInt(40))
                .append("\",\"summary\":\"Video consultations unavailable in region ").append(random.nextInt(9))
                .append("\"}");
        }
        return json.append("]}").toString();
    }

    /** JSON with a detail's names, as a small incident's detail is written: a few services and systems. */
    private static String detailShaped(int services) {
        StringBuilder json = new StringBuilder("{\"incidentId\":\"" + UUID.randomUUID()
                + "\",\"title\":\"Ransomware at the telemedicine platform\",\"status\":\"CONTAINED\","
                + "\"severity\":\"CRITICAL\",\"openedAt\":\"2026-12-01T07:47:00Z\",\"openedBy\":\"responder\","
                + "\"version\":41,\"lastOccurredAt\":\"2026-12-01T09:12:38Z\","
                + "\"lastRecordedAt\":\"2026-12-01T09:12:39.474Z\",\"attackWaves\":[{\"wave\":1,"
                + "\"attackType\":\"RANSOMWARE\",\"severity\":\"CRITICAL\",\"description\":\"encryption of file "
                + "shares\",\"detectedAt\":\"2026-12-01T07:47:00Z\",\"affectedSystems\":[\"fs-1\"],"
                + "\"techniques\":[\"T1486\"],\"firstActivityAt\":null,\"firstActivityBasis\":null}],\"systems\":[");
        for (int i = 0; i < services; i++) {
            json.append(i == 0 ? "" : ",").append("{\"systemId\":\"fs-").append(i)
                .append("\",\"state\":\"ISOLATED\",\"since\":\"2026-12-01T08:0").append(i)
                .append(":12Z\",\"isolationReason\":\"encrypted shares\",\"isolationMethod\":\"NETWORK\"}");
        }
        json.append("],\"services\":[");
        for (int i = 0; i < services; i++) {
            json.append(i == 0 ? "" : ",").append("{\"serviceId\":\"video-").append(i)
                .append("\",\"state\":\"UNAVAILABLE\",\"since\":\"2026-12-01T08:1").append(i)
                .append(":40Z\",\"description\":\"no consultations\"}");
        }
        json.append("],\"commanderId\":\"lead-1\",\"containedAt\":\"2026-12-01T09:00:00Z\",\"resolvedAt\":null,"
                    + "\"closure\":null,\"statusHistory\":[{\"sequence\":12,\"status\":\"CONTAINED\","
                    + "\"since\":\"2026-12-01T09:00:00Z\",\"note\":null}],\"severityHistory\":[],"
                    + "\"forensicAnalyses\":[],\"dataImpact\":{\"latest\":null,\"history\":[]},"
                    + "\"notifications\":[],\"statusUpdates\":[],\"links\":[],\"corrections\":[],"
                    + "\"metrics\":{\"timeToDetect\":null,\"timeToContain\":\"PT1H13M\",\"timeToResolve\":null,"
                    + "\"waves\":[],\"services\":[");
        for (int i = 0; i < services; i++) {
            json.append(i == 0 ? "" : ",").append("{\"serviceId\":\"video-").append(i)
                .append("\",\"disruptedAt\":\"2026-12-01T08:1").append(i)
                .append(":40Z\",\"restoredAt\":null,\"timeToRestore\":null}");
        }
        return json.append("]}}").toString();
    }

    private static ViewDocuments.Stored stored(String body) {
        return new ViewDocuments.Stored("\"" + body.hashCode() + "\"", body.getBytes(StandardCharsets.UTF_8));
    }

    private static String body(ViewDocuments.Stored stored) {
        return new String(stored.body(), StandardCharsets.UTF_8);
    }

    /** The stored row as the database holds it now, counting the reads. */
    private static final class Database implements java.util.function.Supplier<ViewDocuments.Stored> {
        volatile String now;
        final AtomicInteger reads = new AtomicInteger();

        Database(String now) {
            this.now = now;
        }

        @Override
        public ViewDocuments.Stored get() {
            reads.incrementAndGet();
            return stored(now);
        }
    }
}
