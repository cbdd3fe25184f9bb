package io.labctl.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.audit.AuditReader;
import io.labctl.api.audit.AuditWriter.Event;
import io.labctl.api.audit.AuditWriter;
import io.labctl.persistence.Database;
import io.labctl.persistence.Sessions;
import io.labctl.persistence.internal.TestDatabases;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.AuditVerification;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log (writer, reader, verifier) against a real PostgreSQL. Every test starts from an empty audit_log. */
class ChainWriterTest {
    @TempDir
    static Path dir;
    static Database db;
    static Sessions raw;
    private final List<ChainWriter> started = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabases.start(dir.resolve("pg"));
        raw = db.sessions();
        TestDatabases.schema(db, "audit");
        sql("CREATE TABLE scratch (name TEXT PRIMARY KEY)");
    }

    @AfterAll
    static void stop() throws Exception {
        TestDatabases.stop(db);
    }

    @BeforeEach
    void clean() throws SQLException {
        sql("DROP TRIGGER IF EXISTS audit_refuses ON audit_log", "DROP TRIGGER IF EXISTS audit_flaky ON audit_log",
                "DELETE FROM audit_log", "DELETE FROM scratch");
    }

    @AfterEach
    void stopServices() {
        started.forEach(ChainWriter::deactivate);
    }

    static AuditConfig config(Map<String, Object> values) {
        return (AuditConfig) Proxy.newProxyInstance(AuditConfig.class.getClassLoader(), new Class<?>[] {AuditConfig.class},
                (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName())
                        : method.getDefaultValue());
    }

    private ChainWriter service(String instance, Object... more) {
        Map<String, Object> values = new HashMap<>();
        values.put("instance", instance);
        for (int i = 0; i < more.length; i += 2) {
            values.put((String) more[i], more[i + 1]);
        }
        ChainWriter s = new ChainWriter(db, TestDatabases.schema(db, "audit"), config(values));
        started.add(s);
        return s;
    }

    private static AuditQueries reader() {
        return new AuditQueries(db, TestDatabases.schema(db, "audit"), TestAccess.INSTANCE);
    }

    private static AuditVerification verify(ChainWriter writer) {
        return verifier(writer).verify(TestAccess.AUDITOR);
    }

    private static ChainVerifier verifier(ChainWriter writer) {
        return new ChainVerifier(db, writer, TestAccess.INSTANCE);
    }

    private static Event event(String user, String action) {
        return new Event(user, "s1", "10.0.0.7", action, "servers/web1");
    }

    static void sql(String... statements) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    static long number(String query) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }

    static String setting(String name) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW " + name)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    static List<AuditEntry> rows(ChainWriter audit) {
        return reader().query(TestAccess.AUDITOR,
                new AuditReader.Query(null, null, null, null, AuditQueries.MAX_LIMIT));
    }

    /** Inserts into scratch on the transaction's own connection, as another bundle's mapper would. */
    static void insertScratch(String name) {
        raw.with(s -> {
            try (Statement st = s.getConnection().createStatement()) {
                return st.executeUpdate("INSERT INTO scratch (name) VALUES ('" + name + "')");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    // ---- change()

    @Test
    void changeCommitsWorkAndRowTogether() throws Exception {
        ChainWriter audit = service("a");
        assertEquals(42, audit.change(event("alice", "server.delete"), () -> {
            insertScratch("kept");
            return 42;
        }));
        assertEquals(1, number("SELECT count(*) FROM scratch WHERE name = 'kept'"));
        List<AuditEntry> rows = rows(audit);
        assertEquals(1, rows.size());
        AuditEntry row = rows.get(0);
        assertEquals("a", row.instance());
        assertEquals(1, row.seq());
        assertEquals(AuditEntry.OK, row.result());
        assertEquals("alice", row.user());
        assertEquals("servers/web1", row.resource());
        assertNotNull(row.durationMs());
        assertNull(row.error());
        assertEquals(new AuditVerification(true, 1, 1, null, null, null), verify(audit));
        assertEquals(1, audit.head().seq());
    }

    @Test
    void failingWorkLeavesNoStateAndOneFailedOrDeniedRow() throws Exception {
        ChainWriter audit = service("a");
        IllegalStateException boom = new IllegalStateException("password=hunter2 in a message");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> audit.change(event("bob", "server.apply"), () -> {
            insertScratch("lost");
            throw boom;
        }));
        assertSame(boom, thrown);
        assertEquals(0, number("SELECT count(*) FROM scratch"));

        ApiException forbidden = ApiException.forbidden("forbidden", "you may not destroy lab");
        assertSame(forbidden, assertThrows(ApiException.class, () -> audit.change(event("bob", "server.destroy"), () -> {
            throw forbidden;
        })));
        assertThrows(IOException.class, () -> audit.change(event("bob", "server.exec"), () -> {
            throw new IOException("checked");
        }));
        ApiException conflict = ApiException.conflict("exists", "server web1 exists");
        assertThrows(ApiException.class, () -> audit.change(event("bob", "server.create"), () -> {
            throw conflict;
        }));

        List<AuditEntry> rows = rows(audit);
        assertEquals(4, rows.size());
        assertEquals(AuditEntry.FAILED, rows.get(0).result());
        assertEquals("java.lang.IllegalStateException", rows.get(0).error()); // the type only, never the message
        assertEquals(AuditEntry.DENIED, rows.get(1).result());
        assertEquals("you may not destroy lab", rows.get(1).error());
        assertEquals("java.io.IOException", rows.get(2).error());
        assertEquals(AuditEntry.FAILED, rows.get(3).result());
        assertEquals("server web1 exists", rows.get(3).error());
        assertTrue(verify(audit).intact());
    }

    @Test
    void failedAuditInsertRollsTheChangeBackAndRefuses() throws Exception {
        ChainWriter audit = service("a");
        audit.record(event("alice", "server.list"), AuditEntry.OK, 3L, null);
        sql("CREATE OR REPLACE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                        + "$$BEGIN RAISE EXCEPTION 'audit disk full'; END$$",
                "CREATE TRIGGER audit_refuses BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_refuse()");
        ApiException refused = assertThrows(ApiException.class, () -> audit.change(event("alice", "server.delete"), () -> {
            insertScratch("must-not-stay");
            return null;
        }));
        assertEquals(503, refused.status());
        assertEquals("audit-unavailable", refused.code());
        assertTrue(refused.getMessage().startsWith("the audit log cannot be written ("), refused.getMessage());
        assertTrue(refused.getMessage().contains("audit disk full"), refused.getMessage());
        assertTrue(refused.getMessage().endsWith("labd refuses actions it cannot record"), refused.getMessage());
        assertEquals(0, number("SELECT count(*) FROM scratch"));

        ApiException recordRefused = assertThrows(ApiException.class,
                () -> audit.record(event("alice", "server.get"), AuditEntry.OK, 1L, null));
        assertEquals("audit-unavailable", recordRefused.code());

        sql("DROP TRIGGER audit_refuses ON audit_log");
        audit.change(event("alice", "server.delete"), () -> {
            insertScratch("now-kept");
            return null;
        });
        assertEquals(1, number("SELECT count(*) FROM scratch"));
        List<AuditEntry> rows = rows(audit);
        assertEquals(List.of(1L, 2L), rows.stream().map(AuditEntry::seq).toList());
        assertTrue(verify(audit).intact());
    }

    @Test
    void aRetriedTransactionRunsWorkAgainAndLeavesNoLockBehind() throws Exception {
        ChainWriter audit = service("a");
        // the first audit insert fails as a serialization failure, so the database retries the whole transaction
        sql("CREATE SEQUENCE IF NOT EXISTS flaky_calls", "SELECT setval('flaky_calls', 1, false)",
                "CREATE OR REPLACE FUNCTION audit_flaky() RETURNS trigger LANGUAGE plpgsql AS "
                        + "$$BEGIN IF nextval('flaky_calls') = 1 THEN RAISE EXCEPTION 'try again' USING ERRCODE = '40001';"
                        + " END IF; RETURN NEW; END$$",
                "CREATE TRIGGER audit_flaky BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_flaky()");
        AtomicInteger runs = new AtomicInteger();
        String result = audit.change(event("alice", "server.apply"), () -> {
            insertScratch("run-" + runs.incrementAndGet());
            return "done";
        });
        assertEquals("done", result);
        assertEquals(2, runs.get());
        assertEquals(1, number("SELECT count(*) FROM scratch WHERE name = 'run-2'"));
        assertEquals(0, number("SELECT count(*) FROM scratch WHERE name = 'run-1'"));
        assertFalse(audit.lock.isLocked());
        // the writer thread needs the lock: it would time out if the first attempt had kept it
        audit.record(event("alice", "server.get"), AuditEntry.OK, 1L, null);
        assertEquals(List.of(1L, 2L), rows(audit).stream().map(AuditEntry::seq).toList());
        assertTrue(verify(audit).intact());
    }

    @Test
    void nestedChangesShareTheTransactionAndChainInOrder() throws Exception {
        ChainWriter audit = service("a");
        audit.change(event("alice", "cluster.create"), () -> {
            insertScratch("outer");
            return audit.change(event("alice", "server.create"), () -> {
                insertScratch("inner");
                return null;
            });
        });
        List<AuditEntry> rows = rows(audit);
        assertEquals(List.of("server.create", "cluster.create"), rows.stream().map(AuditEntry::action).toList());
        assertEquals(2, number("SELECT count(*) FROM scratch"));

        assertThrows(IllegalStateException.class, () -> audit.change(event("alice", "cluster.create"), () -> {
            insertScratch("outer-2");
            return audit.change(event("alice", "server.create"), () -> {
                throw new IllegalStateException("inner fails");
            });
        }));
        assertEquals(2, number("SELECT count(*) FROM scratch"));
        assertEquals(AuditEntry.FAILED, rows(audit).get(2).result());
        assertTrue(verify(audit).intact());
    }

    @Test
    void changeInsideAnotherTransactionIsRefusedBeforeItRuns() {
        ChainWriter audit = service("a");
        AtomicInteger runs = new AtomicInteger();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> db.transaction(() -> {
            try {
                return audit.change(event("alice", "server.delete"), runs::incrementAndGet);
            } catch (RuntimeException ex) {
                throw ex;
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }));
        assertTrue(e.getMessage().contains("outermost"), e.getMessage());
        assertEquals(0, runs.get());
        assertTrue(rows(audit).isEmpty());
    }

    @Test
    void badRowsAreRefusedBeforeAnythingRuns() {
        ChainWriter audit = service("a");
        assertThrows(IllegalArgumentException.class, () -> audit.record(event("alice", null), AuditEntry.OK, null, null));
        assertThrows(IllegalArgumentException.class, () -> audit.record(event("alice", "x"), "maybe", null, null));
        assertThrows(IllegalArgumentException.class, () -> audit.record(event("alice", "x"), null, null, null));
    }

    // ---- record()

    @Test
    void recordFromEightThreadsKeepsOneGaplessChain() throws Exception {
        ChainWriter audit = service("busy");
        int threads = 8;
        int each = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String user = "user" + t;
            done.add(pool.submit((Callable<Void>) () -> {
                go.await();
                for (int i = 0; i < each; i++) {
                    audit.record(new Event(user, "sess" + i, "10.0.0." + i, "server.get", "servers/s" + i),
                            AuditEntry.OK, (long) i, null);
                }
                return null;
            }));
        }
        long t0 = System.nanoTime();
        go.countDown();
        for (Future<?> f : done) {
            f.get(120, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        int total = threads * each;
        System.out.printf("audit record() throughput: %d rows from %d threads in %.2f s = %.0f rows/s"
                        + " (synchronous_commit=%s, fsync=%s)%n", total, threads, seconds, total / seconds,
                setting("synchronous_commit"), setting("fsync"));

        assertEquals(total, number("SELECT count(*) FROM audit_log WHERE instance = 'busy'"));
        assertEquals(1, number("SELECT min(seq) FROM audit_log WHERE instance = 'busy'"));
        assertEquals(total, number("SELECT max(seq) FROM audit_log WHERE instance = 'busy'"));
        assertEquals(total, number("SELECT count(DISTINCT seq) FROM audit_log WHERE instance = 'busy'"));
        assertEquals(total, audit.head().seq());
        assertEquals(new AuditVerification(true, total, 1, null, null, null), verify(audit));
    }

    @Test
    void changesAndRecordsInterleaveOnOneChain() throws Exception {
        ChainWriter audit = service("mixed");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int thread = t;
            done.add(pool.submit((Callable<Void>) () -> {
                for (int i = 0; i < 40; i++) {
                    if (thread % 2 == 0) {
                        String name = "t" + thread + "-" + i;
                        audit.change(event("alice", "server.create"), () -> {
                            insertScratch(name);
                            return null;
                        });
                    } else {
                        audit.record(event("bob", "server.get"), AuditEntry.OK, 1L, null);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(120, number("SELECT count(*) FROM scratch"));
        assertEquals(240, number("SELECT max(seq) FROM audit_log WHERE instance = 'mixed'"));
        assertEquals(new AuditVerification(true, 240, 1, null, null, null), verify(audit));
    }

    @Test
    void aFullQueueRefusesAtOnceAndAStoppedLogRefuses() throws Exception {
        ChainWriter audit = service("small", "queueCapacity", 1, "writeTimeoutSeconds", 5);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        audit.lock.lock(); // stands for a slow database: the writer cannot append
        try {
            Future<?> first = pool.submit(() -> audit.record(event("a", "server.get"), AuditEntry.OK, 1L, null));
            waitFor(() -> audit.waiting() == 0 && audit.lock.hasQueuedThreads());
            Future<?> second = pool.submit(() -> audit.record(event("b", "server.get"), AuditEntry.OK, 1L, null));
            waitFor(() -> audit.waiting() == 1);
            long t0 = System.nanoTime();
            ApiException full = assertThrows(ApiException.class,
                    () -> audit.record(event("c", "server.get"), AuditEntry.OK, 1L, null));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1));
            assertEquals("audit-unavailable", full.code());
            assertTrue(full.getMessage().contains("already waiting"), full.getMessage());
            audit.lock.unlock();
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
        } finally {
            if (audit.lock.isHeldByCurrentThread()) {
                audit.lock.unlock();
            }
            pool.shutdown();
        }
        assertEquals(2, rows(audit).size());
        audit.deactivate();
        ApiException stopped = assertThrows(ApiException.class,
                () -> audit.record(event("d", "server.get"), AuditEntry.OK, 1L, null));
        assertTrue(stopped.getMessage().contains("labd is stopping"), stopped.getMessage());
    }

    @Test
    void callersThatStopWaitingAreRefusedAndTheirQueuedRowsAreNotWritten() throws Exception {
        ChainWriter audit = service("slow", "writeTimeoutSeconds", 1);
        ExecutorService pool = Executors.newFixedThreadPool(1);
        // a stuck database: the writer's insert waits for this table lock
        try (Connection blocker = db.dataSource().getConnection(); Statement st = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            st.execute("LOCK TABLE audit_log IN EXCLUSIVE MODE");
            Future<?> first = pool.submit(() -> audit.record(event("a", "server.get"), AuditEntry.OK, 1L, null));
            waitFor(() -> audit.waiting() == 0 && audit.lock.isLocked());
            ApiException queued = assertThrows(ApiException.class,
                    () -> audit.record(event("b", "server.get"), AuditEntry.OK, 1L, null));
            assertTrue(queued.getMessage().contains("not written within 1 s"), queued.getMessage());
            Exception inFlight = assertThrows(Exception.class, () -> first.get(10, TimeUnit.SECONDS));
            assertTrue(inFlight.getCause().getMessage().contains("not confirmed within 1 s"), inFlight.getMessage());
            blocker.rollback();
        } finally {
            pool.shutdown();
        }
        audit.record(event("c", "server.get"), AuditEntry.OK, 1L, null);
        // the row in flight may still land (the log says more, never less); the withdrawn one never does
        assertEquals(List.of("a", "c"), rows(audit).stream().map(AuditEntry::user).toList());
        assertTrue(verify(audit).intact());
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < until, "condition not reached in 5 s");
            Thread.sleep(10);
        }
    }

    // ---- tampering

    private ChainWriter fiveRows(String instance) {
        ChainWriter audit = service(instance);
        for (int i = 1; i <= 5; i++) {
            audit.record(event("alice", "server.get"), AuditEntry.OK, (long) i, null);
        }
        return audit;
    }

    @Test
    void anEditedRowIsNamed() throws Exception {
        ChainWriter audit = fiveRows("a");
        sql("UPDATE audit_log SET action = 'server.list' WHERE instance = 'a' AND seq = 3");
        assertEquals(new AuditVerification(false, 2, 1, "a", 3L, "row 3 was changed"), verify(audit));
    }

    @Test
    void anEditedRowWithAFreshHashBreaksTheNextLink() throws Exception {
        ChainWriter audit = fiveRows("a");
        AuditRow row = new AuditRow();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT at, prev_hash FROM audit_log WHERE instance = 'a' AND seq = 3")) {
            rs.next();
            row.at = rs.getTimestamp(1).toInstant();
            row.prevHash = rs.getString(2);
        }
        row.instance = "a";
        row.seq = 3;
        row.username = "mallory";
        row.sessionId = "s1";
        row.source = "10.0.0.7";
        row.action = "server.get";
        row.resource = "servers/web1";
        row.result = "ok";
        row.durationMs = 3L;
        sql("UPDATE audit_log SET username = 'mallory', hash = '" + ChainHash.of(row.prevHash, row)
                + "' WHERE instance = 'a' AND seq = 3");
        AuditVerification v = verify(audit);
        assertFalse(v.intact());
        assertEquals(4L, v.seq());
        assertEquals("row 4 does not link to row 3: one of them was changed", v.problem());
    }

    @Test
    void aDeletedRowIsNamedMissing() throws Exception {
        ChainWriter audit = fiveRows("a");
        sql("DELETE FROM audit_log WHERE instance = 'a' AND seq = 2");
        assertEquals(new AuditVerification(false, 1, 1, "a", 2L, "row 2 is missing: deleted"), verify(audit));
        sql("DELETE FROM audit_log WHERE instance = 'a' AND seq = 1");
        assertEquals(new AuditVerification(false, 0, 1, "a", 1L, "rows 1 to 2 are missing: deleted"), verify(audit));
    }

    @Test
    void aDeletedTailIsNoticedAgainstTheInMemoryHead() throws Exception {
        ChainWriter audit = fiveRows("a");
        sql("DELETE FROM audit_log WHERE instance = 'a' AND seq = 5");
        assertEquals(new AuditVerification(false, 4, 1, "a", 5L, "rows after 4 are missing: deleted"), verify(audit));
        sql("DELETE FROM audit_log WHERE instance = 'a'");
        assertEquals(new AuditVerification(false, 0, 0, "a", 1L, "rows after 0 are missing: deleted"), verify(audit));
        // later rows keep counting past the hole, so it stays visible
        audit.record(event("alice", "server.get"), AuditEntry.OK, 1L, null);
        assertEquals(6, rows(audit).get(0).seq());
        assertFalse(verify(audit).intact());
    }

    @Test
    void aReplacedLastRowIsNoticedAgainstTheInMemoryHead() throws Exception {
        ChainWriter audit = fiveRows("a");
        AuditRow row = new AuditRow();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT at, prev_hash FROM audit_log WHERE instance = 'a' AND seq = 5")) {
            rs.next();
            row.at = rs.getTimestamp(1).toInstant();
            row.prevHash = rs.getString(2);
        }
        row.instance = "a";
        row.seq = 5;
        row.username = "mallory";
        row.sessionId = "s1";
        row.source = "10.0.0.7";
        row.action = "server.get";
        row.resource = "servers/web1";
        row.result = "ok";
        row.durationMs = 5L;
        sql("UPDATE audit_log SET username = 'mallory', hash = '" + ChainHash.of(row.prevHash, row)
                + "' WHERE instance = 'a' AND seq = 5");
        AuditVerification v = verify(audit);
        assertEquals(5L, v.seq());
        assertTrue(v.problem().startsWith("row 5 was changed"), v.problem());
    }

    // ---- instances

    @Test
    void twoInstancesKeepSeparateChainsAndARestartContinuesTheChain() throws Exception {
        ChainWriter a = service("labd-a");
        ChainWriter b = service("labd-b");
        for (int i = 0; i < 5; i++) {
            a.record(event("alice", "server.get"), AuditEntry.OK, 1L, null);
            b.change(event("bob", "server.create"), () -> null);
            b.record(event("bob", "server.get"), AuditEntry.OK, 1L, null);
        }
        assertEquals(5, number("SELECT max(seq) FROM audit_log WHERE instance = 'labd-a'"));
        assertEquals(10, number("SELECT max(seq) FROM audit_log WHERE instance = 'labd-b'"));
        assertEquals(new AuditVerification(true, 15, 2, null, null, null), verify(a));
        assertEquals(new AuditVerification(true, 15, 2, null, null, null), verify(b));

        a.deactivate();
        ChainWriter again = service("labd-a");
        assertEquals(5, again.head().seq());
        again.record(event("alice", "server.get"), AuditEntry.OK, 1L, null);
        assertEquals(6, number("SELECT max(seq) FROM audit_log WHERE instance = 'labd-a'"));
        assertTrue(verify(again).intact());

        // a break in someone else's chain is named too
        sql("UPDATE audit_log SET result = 'failed' WHERE instance = 'labd-b' AND seq = 7");
        assertEquals(new AuditVerification(false, 12, 2, "labd-b", 7L, "row 7 was changed"), verify(again));
    }

    @Test
    void defaultInstanceIsHostAndDigestOfTheDataDirectory() {
        String before = System.getProperty("karaf.data");
        try {
            System.setProperty("karaf.data", "/opt/labd/data");
            String name = ChainWriter.defaultInstance();
            assertTrue(name.endsWith("-" + ChainHash.sha256Hex("/opt/labd/data").substring(0, 8)), name);
            System.setProperty("karaf.data", "/opt/other/data");
            assertFalse(name.equals(ChainWriter.defaultInstance()));
        } finally {
            if (before == null) {
                System.clearProperty("karaf.data");
            } else {
                System.setProperty("karaf.data", before);
            }
        }
        ChainWriter unnamed = service("");
        assertTrue(unnamed.instance().matches(".+-[0-9a-f]{8}"), unnamed.instance());
    }

    // ---- content and queries

    @Test
    void aDetailIsKeptWholeUpTo64KiBThenCutWithTheHashOfTheWholeAndTheChainVerifies() throws Exception {
        ChainWriter audit = service("d");
        String small = "[\"sh\",\"-c\",\"" + " ".repeat(5000) + "id\"]";
        String big = "[\"" + "z".repeat(100 * 1024) + "\"]";
        audit.record(new Event("alice", "s1", "10.0.0.1", "exec.open", "server/web-1"), AuditEntry.OK, 0L, null, small);
        audit.record(new Event("alice", "s1", "10.0.0.1", "exec.open", "server/web-1"), AuditEntry.OK, 0L, null, big);
        List<AuditEntry> rows = rows(audit);
        assertEquals(small, rows.get(0).detail());
        assertNull(rows.get(0).detailSha256());
        assertEquals(AuditWriter.MAX_DETAIL_BYTES, rows.get(1).detail().length());
        assertTrue(big.startsWith(rows.get(1).detail()));
        assertEquals(ChainHash.sha256Hex(big), rows.get(1).detailSha256());
        assertTrue(rows.get(1).detailCut());
        AuditVerification verification = verify(audit);
        assertTrue(verification.intact(), verification.toString());
    }

    @Test
    void longAndOddTextIsClippedAndStillVerifies() throws Exception {
        ChainWriter audit = service("a");
        String emoji = "\uD83D\uDE80";
        String resource = "x".repeat(1023) + emoji; // the pair would straddle the limit
        audit.record(new Event("u".repeat(300), "s".repeat(100), null, "a".repeat(100), resource), AuditEntry.FAILED,
                null, "e\u0000rr " + "y".repeat(3000));
        audit.record(new Event("", "", "", "x", ""), AuditEntry.OK, null, "");
        List<AuditEntry> rows = rows(audit);
        AuditEntry r = rows.get(0);
        assertEquals(253, r.user().length());
        assertEquals(64, r.sessionId().length());
        assertNull(r.source());
        assertEquals(64, r.action().length());
        assertEquals("x".repeat(1022) + "\u2026", r.resource(), "a cut resource ends in an ellipsis");
        assertEquals(2000, r.error().length());
        assertTrue(r.error().startsWith("e\uFFFDrr"));
        assertEquals("", rows.get(1).user());
        assertEquals("", rows.get(1).error());
        assertTrue(verify(audit).intact());
        // null and empty hash differently, so nobody can swap one for the other
        sql("UPDATE audit_log SET source = NULL WHERE instance = 'a' AND seq = 2");
        assertEquals("row 2 was changed", verify(audit).problem());
    }

    @Test
    void queriesFilterByUserActionTimeSessionAndLimit() throws Exception {
        ChainWriter audit = service("q");
        audit.record(new Event("alice", "s-1", "h", "server.delete", "servers/a"), AuditEntry.OK, 1L, null);
        audit.record(new Event("alice", "s-1", "h", "server.get", "servers/a"), AuditEntry.OK, 1L, null);
        audit.record(new Event("agent/web-20261126-1", "abc-20200101-z", "h", "servers.list", null), AuditEntry.OK, 1L, null);
        Thread.sleep(20);
        Instant since = Instant.now();
        Thread.sleep(20);
        audit.record(new Event("bob", "s-2", "h", "cluster.create", "clusters/k"), AuditEntry.DENIED, 1L, "no");
        audit.record(new Event(null, null, "h", "server.get", null), AuditEntry.OK, 1L, null);

        assertEquals(List.of(1L, 2L), seqs(audit, new AuditReader.Query("alice", null, null, null, 0)));
        assertEquals(List.of(), seqs(audit, new AuditReader.Query("ali", null, null, null, 0)));
        assertEquals(List.of(1L, 2L, 5L), seqs(audit, new AuditReader.Query(null, "server.", null, null, 0)));
        assertEquals(List.of(1L, 2L, 3L, 5L), seqs(audit, new AuditReader.Query(null, "server", null, null, 0)));
        assertEquals(List.of(), seqs(audit, new AuditReader.Query(null, "server%", null, null, 0)));
        assertEquals(List.of(), seqs(audit, new AuditReader.Query(null, "server_", null, null, 0)));
        assertEquals(List.of(4L, 5L), seqs(audit, new AuditReader.Query(null, null, since, null, 0)));
        assertEquals(List.of(5L), seqs(audit, new AuditReader.Query(null, "server", since, null, 0)));
        // every filter at once: the clauses must join into valid SQL
        assertEquals(List.of(2L), seqs(audit, new AuditReader.Query("alice", "server.g", null, rows(audit).get(0).session(), 0)));
        assertEquals(List.of(), seqs(audit, new AuditReader.Query("alice", "server", since, null, 0)));
        assertEquals(List.of(3L, 4L, 5L), seqs(audit, new AuditReader.Query(null, null, null, null, 3)));

        List<AuditEntry> all = rows(audit);
        assertEquals(List.of(1L, 2L), seqs(audit, new AuditReader.Query(null, null, null, all.get(0).session(), 0)));
        assertEquals(List.of(3L), seqs(audit, new AuditReader.Query(null, null, null, all.get(2).session(), 0)));
        assertEquals(List.of(5L), seqs(audit, new AuditReader.Query(null, null, null, all.get(4).session(), 0)));
        assertEquals(List.of(), seqs(audit, new AuditReader.Query(null, null, null, "alice-19990101-s-1", 0)));
        ApiException bad = assertThrows(ApiException.class,
                () -> reader().query(TestAccess.AUDITOR, new AuditReader.Query(null, null, null, "alice", 0)));
        assertEquals(400, bad.status());

        AuditEntry denied = all.get(3);
        assertEquals("bob", denied.user());
        assertEquals(AuditEntry.DENIED, denied.result());
        assertEquals("no", denied.error());
        assertTrue(!denied.at().isBefore(since));
    }

    private static List<Long> seqs(ChainWriter audit, AuditReader.Query q) {
        return reader().query(TestAccess.AUDITOR, q).stream().map(AuditEntry::seq).toList();
    }

    @Test
    void readingAndVerifyingNeedReadEverywhere() {
        ChainWriter audit = service("a");
        Identity bob = new Identity(Identity.Kind.USER, "bob");
        ApiException query = assertThrows(ApiException.class,
                () -> reader().query(bob, new AuditReader.Query(null, null, null, null, 0)));
        assertEquals(403, query.status());
        assertTrue(query.getMessage().startsWith("user/bob may not read on *:*:*"), query.getMessage());
        assertEquals(403, assertThrows(ApiException.class, () -> verifier(audit).verify(bob)).status());
        assertTrue(verify(audit).intact());
    }
}
