package io.labctl.provisioning.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.api.provision.BastionEvents;
import io.labctl.api.Identity;
import io.labctl.api.access.Decision;
import io.labctl.persistence.Database;
import io.labctl.persistence.internal.TestDatabases;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.provision.BastionEvent;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bastion events against a real PostgreSQL: bounds, access, retention and follow. */
class BastionEventStoreTest {
    static final String MAC = "52:54:00:77:09:05";
    static final Identity ALICE = new Identity(Identity.Kind.USER, "alice");
    static final Identity EVE = new Identity(Identity.Kind.USER, "eve");
    static final Instant T0 = Instant.parse("2026-12-07T20:00:00Z");
    @TempDir
    static Path dir;
    static Database db;
    static io.labctl.persistence.Schema schema;
    BastionEventStore store;
    volatile boolean eveCut;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabases.start(dir.resolve("pg"));
        schema = TestDatabases.schema(db, "provisioning");
    }

    @AfterAll
    static void stop() throws Exception {
        TestDatabases.stop(db);
    }

    @BeforeEach
    void fresh() throws Exception {
        try (var c = db.dataSource().getConnection(); var s = c.createStatement()) {
            s.execute("DELETE FROM bastion_events");
        }
        store = new BastionEventStore(db, schema, config(1000));
        // eve may read in lab only, and loses even that once eveCut is set
        store.decisions = new ProvisioningServiceTest.LabOnlyForEve() {
            @Override
            public Decision decide(Identity subject, Permission request) {
                return eveCut && subject.equals(EVE) ? Decision.deny("cut") : super.decide(subject, request);
            }
        };
    }

    @Test
    void eventsComeBackOldestFirstNewestKeptAndFilteredByMacAndTime() {
        store.record("b1", "lab", batch(0,
                event(0, MAC, BastionEvent.DHCP, "DISCOVER (PXE, arch 0) -> OFFER 10.77.19.100"),
                event(1, MAC, BastionEvent.TFTP, "sent undionly.kpxe (70000 bytes)"),
                event(2, null, BastionEvent.HTTP, "GET /boot.ipxe 200"),
                event(3, "52-54-00-77-09-06", BastionEvent.HTTP, "GET /provision/52-54-00-77-09-06/boot.ipxe 200")));
        List<BastionEvent> all = store.read(ALICE, "lab", null, null, 200);
        assertEquals(List.of("dhcp", "tftp", "http", "http"), all.stream().map(BastionEvent::kind).toList());
        assertEquals("b1", all.get(0).bastion(), "labd names the bastion, not its report");
        assertEquals("52:54:00:77:09:06", all.get(3).mac(), "MACs are stored in one form");
        assertEquals(List.of("tftp"), store.read(ALICE, "lab", "52-54-00-77-09-05", T0.plusSeconds(1), 200).stream()
                .map(BastionEvent::kind).toList());
        assertEquals(List.of(T0.plusSeconds(2), T0.plusSeconds(3)), store.read(ALICE, "lab", null, null, 2).stream()
                .map(BastionEvent::at).toList(), "the newest two, oldest first");
        assertEquals(List.of(), store.read(ALICE, "lab", "52:54:00:00:00:00", null, 200));
    }

    @Test
    void aBastionsReportIsBounded() {
        List<BastionEvent> many = new ArrayList<>();
        for (int i = 0; i <= BastionEvent.MAX_BATCH; i++) {
            many.add(event(i, MAC, BastionEvent.HTTP, "x"));
        }
        assertEquals("batch-too-large", code(() -> store.record("b1", "lab", new BastionEvent.Batch(many, 0))));
        assertEquals("invalid-event", code(() -> store.record("b1", "lab", batch(0, event(0, MAC, "gossip", "x")))));
        assertEquals("invalid-mac", code(() -> store.record("b1", "lab", batch(0, event(0, "zz", "tftp", "x")))));
        assertEquals("invalid-environment", code(() -> store.record("b1", "Lab!", batch(0))));
        assertEquals("no-bastion", code(() -> store.read(ALICE, "lab", null, null, 10)), "refused reports store nothing");

        store.record("b1", "lab", batch(7, event(0, MAC, BastionEvent.HTTP, "GET /\u0007" + "y".repeat(2000))));
        List<BastionEvent> got = store.read(ALICE, "lab", null, null, 10);
        assertEquals(BastionEvent.MAX_DETAIL, got.get(0).detail().length());
        assertTrue(got.get(0).detail().startsWith("GET /?y"), got.get(0).detail());
        assertEquals(BastionEvent.BASTION, got.get(1).kind());
        assertTrue(got.get(1).detail().startsWith("dropped 7 events"), got.get(1).detail());
    }

    @Test
    void readersNeedReadOnTheWholeEnvironmentAndUnknownOnesAreNamed() {
        store.record("b1", "lab", batch(0, event(0, MAC, BastionEvent.TFTP, "sent")));
        store.record("b2", "rack9", batch(0, event(0, MAC, BastionEvent.TFTP, "sent")));
        assertEquals(1, store.read(EVE, "lab", null, null, 10).size());
        ApiException denied = assertThrows(ApiException.class, () -> store.read(EVE, "rack9", null, null, 10));
        assertEquals(403, denied.status());
        assertEquals(403, status(() -> store.read(EVE, "nowhere", null, null, 10)), "no hint whether it exists");
        assertEquals(403, status(() -> store.follow(EVE, "rack9", null)));
        ApiException unknown = assertThrows(ApiException.class, () -> store.read(ALICE, "nowhere", null, null, 10));
        assertEquals(404, unknown.status());
        assertTrue(unknown.getMessage().contains("no bastion has reported in environment nowhere"), unknown.getMessage());
        assertEquals("invalid-mac", code(() -> store.read(ALICE, "lab", "52:54:00", null, 10)));
        assertTrue(code(() -> store.read(ALICE, "lab", "52:54:00", null, 10)).equals("invalid-mac"));
        assertEquals("invalid-limit", code(() -> store.read(ALICE, "lab", null, null, BastionEvent.MAX_LIMIT + 1)));
    }

    @Test
    void retentionKeepsTheNewestRowsAndDropsOldOnes() throws Exception {
        for (int b = 0; b < 3; b++) {
            List<BastionEvent> events = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                events.add(event(b * 500 + i, MAC, BastionEvent.HTTP, "request " + (b * 500 + i)));
            }
            store.record("b1", "lab", new BastionEvent.Batch(events, 0));
            Thread.sleep(5);  // each batch its own received time
        }
        store.pruneNow(Instant.now(), true);
        assertEquals(1000, count());
        assertEquals("request 1499", store.read(ALICE, "lab", null, null, 1).get(0).detail());
        assertEquals("request 500", store.read(ALICE, "lab", null, null, 1000).get(0).detail(), "the oldest batch went");

        try (var c = db.dataSource().getConnection(); var s = c.createStatement()) {
            s.execute("UPDATE bastion_events SET received = received - interval '15 days' WHERE at < TIMESTAMPTZ '2026-12-07 20:16:40+00'");
        }
        store.pruneNow(Instant.now(), true);
        assertEquals(500, count(), "older than the 14 days kept");
    }

    @Test
    void aFollowGetsWhatIsStoredAfterItAndEndsWhenReadIsTakenAway() throws Exception {
        store.record("b1", "lab", batch(0, event(0, MAC, BastionEvent.BASTION, "started")));
        BastionEvents.Follow follow = store.follow(EVE, "lab", MAC);
        store.record("b1", "lab", batch(0, event(1, MAC, BastionEvent.TFTP, "stored between admission and run")));
        List<BastionEvent> got = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch two = new CountDownLatch(2);
        CountDownLatch ended = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            follow.run(e -> {
                got.add(e);
                two.countDown();
                return true;
            }, () -> true);
            ended.countDown();
        });
        t.start();
        store.record("b1", "lab", batch(0, event(2, MAC, BastionEvent.HTTP, "GET /provision/52-54-00-77-09-05/boot.ipxe"),
                event(3, "52:54:00:77:09:06", BastionEvent.HTTP, "another machine")));
        assertTrue(two.await(30, TimeUnit.SECONDS), got.toString());
        assertEquals(List.of("stored between admission and run", "GET /provision/52-54-00-77-09-05/boot.ipxe"),
                got.stream().map(BastionEvent::detail).toList());
        eveCut = true;
        assertTrue(ended.await(30, TimeUnit.SECONDS), "a follow ends when its reader loses read on the environment");
        assertEquals(2, got.size());
    }

    @Test
    void aFollowEndsWhenItsClientIsGone() throws Exception {
        store.record("b1", "lab", batch(0, event(0, MAC, BastionEvent.BASTION, "started")));
        BastionEvents.Follow follow = store.follow(ALICE, "lab", null);
        store.record("b1", "lab", batch(0, event(1, MAC, BastionEvent.TFTP, "one")));
        List<BastionEvent> got = new ArrayList<>();
        follow.run(e -> got.add(e) && false, () -> true);  // the first write fails: the client went away
        assertEquals(1, got.size());
    }

    // ---- helpers

    static BastionEvent event(int second, String mac, String kind, String detail) {
        return new BastionEvent(T0.plusSeconds(second), "forged-name", mac, kind, detail);
    }

    static BastionEvent.Batch batch(long dropped, BastionEvent... events) {
        return new BastionEvent.Batch(List.of(events), dropped);
    }

    static long count() throws Exception {
        try (var c = db.dataSource().getConnection(); var s = c.createStatement();
             var r = s.executeQuery("SELECT count(*) FROM bastion_events")) {
            r.next();
            return r.getLong(1);
        }
    }

    static String code(Runnable r) {
        try {
            r.run();
        } catch (ApiException e) {
            return e.code();
        }
        throw new AssertionError("expected an ApiException");
    }

    static int status(Runnable r) {
        try {
            r.run();
        } catch (ApiException e) {
            return e.status();
        }
        throw new AssertionError("expected an ApiException");
    }

    static BastionEventsConfig config(int maxRows) {
        return new BastionEventsConfig() {
            public int maxRows() { return maxRows; }
            public int maxAgeDays() { return 14; }
            public int followPollMillis() { return 100; }
            public Class<? extends Annotation> annotationType() { return BastionEventsConfig.class; }
        };
    }
}
