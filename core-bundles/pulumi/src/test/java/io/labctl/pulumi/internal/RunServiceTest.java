package io.labctl.pulumi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.audit.AuditWriter;
import io.labctl.api.testing.MarkingSealer;
import io.labctl.api.testing.RuleBook;
import io.labctl.environments.internal.EnvironmentService;
import io.labctl.persistence.Database;
import io.labctl.persistence.internal.TestDatabases;
import io.labctl.protocol.pulumi.PulumiRun;
import io.labctl.protocol.pulumi.RunLine;
import io.labctl.protocol.pulumi.RunRequest;
import io.labctl.pulumi.engine.EngineException;
import io.labctl.pulumi.engine.EngineListener;
import io.labctl.pulumi.engine.EngineOutcome;
import io.labctl.pulumi.engine.EngineRun;
import io.labctl.pulumi.engine.EngineStatus;
import io.labctl.pulumi.engine.Operation;
import io.labctl.pulumi.engine.PulumiEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs through the real database and access grammar, with an in-process test double for the engine. */
@Timeout(120)
class RunServiceTest {
    static final Identity ADMIN = new Identity(Identity.Kind.USER, "admin");
    static final Identity DEPLOYER = new Identity(Identity.Kind.USER, "deployer");
    static final Identity READER = new Identity(Identity.Kind.USER, "reader");
    static final Identity SERVER_ONLY = new Identity(Identity.Kind.USER, "server-only");
    static final String PROGRAM = "name: web\nruntime: yaml\nresources:\n  site:\n    type: test:index:Site\n";

    @TempDir
    static Path dir;
    static Database db;
    static EnvironmentService environments;
    static final RuleBook rules = new RuleBook()
            .allow(ADMIN, "admin:*:*:*")
            .allow(DEPLOYER, "apply:baremetal:lab:*").allow(DEPLOYER, "read:baremetal:lab:*")
            .allow(READER, "read:baremetal:lab:*")
            .allow(SERVER_ONLY, "apply:baremetal:lab:web1");
    final MarkingSealer sealer = new MarkingSealer();
    final EngineDouble engine = new EngineDouble();
    final List<String> audited = new CopyOnWriteArrayList<>();
    RunService runs;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabases.start(dir.resolve("pg"));
        TestDatabases.schema(db, "pulumi");
        environments = new EnvironmentService(db, TestDatabases.schema(db, "environments"));
        environments.create("lab", "baremetal", "admin");
        environments.create("prod", "baremetal", "admin");
    }

    @AfterAll
    static void stop() throws Exception {
        TestDatabases.stop(db);
    }

    @BeforeEach
    void fresh() throws Exception {
        TestDatabases.sql(db, "TRUNCATE pulumi_app_revisions, pulumi_runs, pulumi_run_lines, pulumi_stacks");
        runs = service("labd-a", 4, 1000);
    }

    @AfterEach
    void end() {
        engine.release.countDown();
        runs.stop();
    }

    RunService service(String labd, int concurrent, int maxLines) {
        return service(labd, concurrent, maxLines, dir.resolve("stacks"));
    }

    RunService service(String labd, int concurrent, int maxLines, Path stacks) {
        AuditWriter audit = new AuditWriter() {
            @Override
            public <T> T change(Event event, java.util.concurrent.Callable<T> work) throws Exception {
                return work.call();
            }

            @Override
            public void record(Event event, String result, Long durationMs, String error) {
                audited.add(event.action() + " " + event.resource() + " " + result);
            }

            @Override
            public void record(Event event, String result, Long durationMs, String error, String detail) {
                audited.add(event.action() + " " + event.resource() + " " + result + " " + detail);
            }
        };
        RunService s = new RunService(db, sealer, engine, audit, dir.resolve("state").toUri().toString(),
                stacks, concurrent, maxLines, labd);
        s.environments = environments;
        return s;
    }

    @Test
    void anApplyIsRecordedRunsAndEndsWithItsSummaryAndMaskedOutputs() throws Exception {
        engine.outcome = new EngineOutcome(Map.of("create", 2, "same", 1), Map.of(
                "url", new EngineOutcome.Output("\"http://web\"", false),
                "password", new EngineOutcome.Output("\"hunter2-secret\"", true)));
        PulumiRun started = runs.start(rules.caller(DEPLOYER), apply("lab"));
        assertTrue(PulumiRun.validId(started.id()), started.id());
        assertEquals(PulumiRun.RUNNING, started.status());
        assertEquals("web/lab", started.stack());
        assertEquals("deployer", started.user());
        assertEquals("web.yaml", started.program());
        assertEquals(Programs.sha256(PROGRAM.getBytes()), started.digest());

        PulumiRun done = awaitEnd(started.id());
        assertEquals(PulumiRun.SUCCEEDED, done.status(), String.valueOf(done.error()));
        assertEquals(Map.of("create", 2, "same", 1), done.changes());
        assertEquals(2, done.changed());
        assertEquals(Map.of("url", "\"http://web\"", "password", PulumiRun.SECRET), done.outputs());
        assertNotNull(done.endedAt());
        // the secret's value is nowhere in labd's tables
        assertEquals(List.of(), TestDatabases.column(db, "SELECT id FROM pulumi_runs WHERE outputs LIKE '%hunter2%'"
                + " OR changes LIKE '%hunter2%'"));

        EngineRun seen = engine.runs.get(0);
        assertEquals(Operation.UP, seen.operation());
        assertEquals("web", seen.project());
        assertEquals("lab", seen.stack());
        assertEquals(PROGRAM, Files.readString(seen.programDir().resolve("Pulumi.yaml")));
        assertTrue(seen.backendUrl().startsWith("file:"), seen.backendUrl());

        List<String> lines = runs.lines(started.id(), 0, 100).stream().map(RunLine::text).toList();
        assertTrue(lines.get(0).startsWith("[labd] apply of web.yaml"), lines.toString());
        assertTrue(lines.contains("engine: Updating (lab)"), lines.toString());
        assertTrue(lines.get(lines.size() - 1).contains("succeeded"), lines.toString());
        assertTrue(audited.stream().anyMatch(a -> a.startsWith("pulumi.apply.end stack/web/lab ok")
                && a.contains("\"create\":2") && !a.contains("hunter2")), audited.toString());
    }

    @Test
    void theStacksPassphraseIsMadeOnceAndStoredOnlySealed() throws Exception {
        awaitEnd(runs.start(rules.caller(DEPLOYER), apply("lab")).id());
        awaitEnd(runs.start(rules.caller(DEPLOYER), plan("lab")).id());
        String first = engine.runs.get(0).passphrase();
        assertTrue(first.length() >= 40, "32 random bytes");
        assertEquals(first, engine.runs.get(1).passphrase(), "the stack keeps its passphrase");
        List<String> stored = TestDatabases.column(db, "SELECT encode(sealed, 'escape') FROM pulumi_stacks");
        assertEquals(1, stored.size());
        assertTrue(stored.get(0).startsWith("sealed:pulumi-passphrase:web/lab:"), stored.toString());
        assertFalse(stored.get(0).contains(first));
        awaitEnd(runs.start(rules.caller(DEPLOYER), apply("lab", PROGRAM.replace("name: web", "name: db"))).id());
        assertFalse(first.equals(engine.runs.get(2).passphrase()), "another stack, another passphrase");
    }

    @Test
    void theStacksSettingsFileIsKeptForTheNextRunOnAnyLabd() throws Exception {
        engine.settings = "encryptionsalt: v1:abc:def\n";
        PulumiRun first = awaitEnd(runs.start(rules.caller(DEPLOYER), apply("lab")).id());
        assertEquals(List.of("encryptionsalt: v1:abc:def\n"), TestDatabases.column(db,
                "SELECT settings FROM pulumi_stacks WHERE project = 'web' AND environment = 'lab'"));
        // another labd, its own folder: the settings come from the database
        engine.settings = null;
        RunService other = service("labd-b", 1, 100, dir.resolve("stacks-b"));
        try {
            PulumiRun second = other.start(rules.caller(DEPLOYER), plan("lab"));
            awaitEnd(second.id());
            assertEquals("encryptionsalt: v1:abc:def\n", engine.settingsSeen.get(1));
            assertEquals(first.stack(), second.stack());
        } finally {
            other.stop();
        }
    }

    @Test
    void aRunLabdCannotPrepareEndsFailedAndFreesItsStack() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("not-a-folder"), "x");
        RunService broken = service("labd-c", 1, 100, notAFolder);
        try {
            ApiException e = assertThrows(ApiException.class, () -> broken.start(rules.caller(DEPLOYER), apply("lab")));
            assertEquals(503, e.status());
            assertTrue(e.getMessage().startsWith("labd could not prepare the run"), e.getMessage());
        } finally {
            broken.stop();
        }
        List<PulumiRun> recorded = runs.list(rules.caller(ADMIN), "lab", null, 10);
        assertEquals(1, recorded.size());
        assertEquals(PulumiRun.FAILED, recorded.get(0).status());
        assertTrue(engine.runs.isEmpty(), "the engine never ran");
        assertEquals(PulumiRun.SUCCEEDED, awaitEnd(runs.start(rules.caller(DEPLOYER), apply("lab")).id()).status(),
                "the stack is not left locked");
    }

    @Test
    void oneRunPerStackAtATimeTheSecondIsToldWhichHoldsIt() throws Exception {
        engine.block = true;
        PulumiRun holder = runs.start(rules.caller(DEPLOYER), apply("lab"));
        engine.started.poll(30, TimeUnit.SECONDS);
        ApiException locked = assertThrows(ApiException.class, () -> runs.start(rules.caller(ADMIN), plan("lab")));
        assertEquals(409, locked.status());
        assertEquals("stack-locked", locked.code());
        assertTrue(locked.getMessage().contains("locked by run " + holder.id() + " (apply by deployer"),
                locked.getMessage());
        // another stack is not held up: another environment, or another project
        PulumiRun other = runs.start(rules.caller(ADMIN), apply("prod"));
        engine.started.poll(30, TimeUnit.SECONDS);
        engine.release.countDown();
        assertEquals(PulumiRun.SUCCEEDED, awaitEnd(holder.id()).status());
        assertEquals(PulumiRun.SUCCEEDED, awaitEnd(other.id()).status());
        assertEquals(PulumiRun.SUCCEEDED, awaitEnd(runs.start(rules.caller(ADMIN), plan("lab")).id()).status(),
                "the lock goes with the run's end");
    }

    @Test
    void cancellingInterruptsTheEngineAndRecordsWho() throws Exception {
        engine.block = true;
        PulumiRun run = runs.start(rules.caller(DEPLOYER), apply("lab"));
        engine.started.poll(30, TimeUnit.SECONDS);
        ApiException reader = assertThrows(ApiException.class, () -> runs.cancel(rules.caller(READER), run.id()));
        assertEquals(403, reader.status());
        runs.cancel(rules.caller(ADMIN), run.id());
        PulumiRun done = awaitEnd(run.id());
        assertEquals(PulumiRun.CANCELLED, done.status());
        assertEquals("admin", done.cancelledBy());
        assertTrue(done.error().startsWith("cancelled by admin"), done.error());
        assertEquals(409, assertThrows(ApiException.class, () -> runs.cancel(rules.caller(ADMIN), run.id())).status());
    }

    @Test
    void aRunWaitingForARunnerIsCancelledBeforeItStarts() throws Exception {
        runs.stop();
        runs = service("labd-a", 1, 1000);
        engine.block = true;
        PulumiRun first = runs.start(rules.caller(ADMIN), apply("lab"));
        engine.started.poll(30, TimeUnit.SECONDS);
        PulumiRun waiting = runs.start(rules.caller(ADMIN), apply("prod"));
        awaitLine(waiting.id(), "waiting for a free runner");
        runs.cancel(rules.caller(ADMIN), waiting.id());
        PulumiRun done = awaitEnd(waiting.id());
        assertEquals(PulumiRun.CANCELLED, done.status());
        assertTrue(done.error().contains("before it started"), done.error());
        assertEquals(1, engine.runs.size(), "the engine never ran it");
        engine.release.countDown();
        assertEquals(PulumiRun.SUCCEEDED, awaitEnd(first.id()).status());
    }

    @Test
    void permissionsCoverTheWholeEnvironmentAndDestroyNeedsDestroy() throws Exception {
        ApiException serverRule = assertThrows(ApiException.class,
                () -> runs.start(rules.caller(SERVER_ONLY), plan("lab")));
        assertEquals(403, serverRule.status(), "a rule for one server does not grant a run over the environment");
        assertEquals(403, assertThrows(ApiException.class, () -> runs.start(rules.caller(READER), plan("lab")))
                .status());
        assertEquals(403, assertThrows(ApiException.class, () -> runs.start(rules.caller(DEPLOYER),
                new RunRequest(PulumiRun.DESTROY, "lab", PROGRAM, "web.yaml"))).status());
        assertEquals(403, assertThrows(ApiException.class, () -> runs.start(rules.caller(DEPLOYER), apply("prod")))
                .status());
        assertEquals(List.of(), TestDatabases.column(db, "SELECT id FROM pulumi_runs"), "refusals record no run");
        assertTrue(engine.runs.isEmpty());

        PulumiRun mine = awaitEnd(runs.start(rules.caller(DEPLOYER), plan("lab")).id());
        PulumiRun prod = awaitEnd(runs.start(rules.caller(ADMIN), plan("prod")).id());
        assertEquals(List.of(mine.id()), runs.list(rules.caller(READER), null, null, 100).stream()
                .map(PulumiRun::id).toList(), "a reader of lab sees lab's runs only");
        assertEquals(2, runs.list(rules.caller(ADMIN), null, null, 100).size());
        assertEquals(List.of(prod.id()), runs.list(rules.caller(ADMIN), "prod", null, 100).stream()
                .map(PulumiRun::id).toList());
        assertEquals(403, assertThrows(ApiException.class, () -> runs.get(rules.caller(READER), prod.id())).status());
        assertEquals(404, assertThrows(ApiException.class, () -> runs.get(rules.caller(ADMIN), "r-000000000000"))
                .status());
        assertEquals(400, assertThrows(ApiException.class, () -> runs.get(rules.caller(ADMIN), "../x")).status());
    }

    @Test
    void badProgramsAndMissingEnginesAreRefusedBeforeAnythingRuns() throws Exception {
        assertEquals("invalid-program", refused(apply("lab", "name: web\nruntime: nodejs\n")).code());
        assertTrue(refused(apply("lab", "name: web\nruntime: nodejs\n")).getMessage().contains("runtime must be yaml"));
        assertEquals("invalid-program", refused(apply("lab", "name: ../etc\nruntime: yaml\n")).code());
        assertEquals("invalid-program", refused(apply("lab", "")).code());
        assertEquals("invalid-program", refused(apply("lab", "name: a\nname: b\nruntime: yaml\n")).code());
        assertEquals("invalid-program", refused(apply("lab", "x".repeat(RunRequest.MAX_PROGRAM_BYTES + 1))).code());
        assertEquals("invalid-kind", refused(new RunRequest("up", "lab", PROGRAM, "w.yaml")).code());
        assertEquals("unknown-environment", refused(apply("lba")).code());
        engine.status = new EngineStatus(false, "pulumi", null, "the Pulumi engine is not installed on labd's host:"
                + " install the pulumi CLI");
        ApiException missing = refused(apply("lab"));
        assertEquals(503, missing.status());
        assertEquals("engine-unavailable", missing.code());
        assertTrue(missing.getMessage().contains("install the pulumi CLI"), missing.getMessage());
        assertEquals(List.of(), TestDatabases.column(db, "SELECT id FROM pulumi_runs"));
        assertTrue(engine.runs.isEmpty());
    }

    @Test
    void engineErrorsEndTheRunFailedWithTheEnginesWords() throws Exception {
        engine.failure = new EngineException("error: resource site: connection refused");
        PulumiRun done = awaitEnd(runs.start(rules.caller(DEPLOYER), apply("lab")).id());
        assertEquals(PulumiRun.FAILED, done.status());
        assertEquals("error: resource site: connection refused", done.error());
        assertTrue(audited.stream().anyMatch(a -> a.startsWith("pulumi.apply.end stack/web/lab failed")),
                audited.toString());
    }

    @Test
    void aRunsLogKeepsItsLimitAndSaysHowManyLinesWereDropped() throws Exception {
        runs.stop();
        runs = service("labd-a", 2, 100);
        engine.extraLines = 500;
        PulumiRun done = awaitEnd(runs.start(rules.caller(DEPLOYER), apply("lab")).id());
        List<RunLine> lines = runs.lines(done.id(), 0, 1000);
        assertEquals(100, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(i + 1, lines.get(i).seq());
        }
        assertTrue(lines.get(99).text().matches("\\[labd: \\d+ more lines not kept.*"), lines.get(99).text());
        String longLine = lines.get(2).text();
        assertTrue(longLine.startsWith("engine: xxx") && longLine.endsWith("[labd: line cut at 8192 characters]"),
                longLine.substring(0, 40));
        assertEquals(RunLine.MAX_CHARS + " [labd: line cut at 8192 characters]".length(), longLine.length());
    }

    @Test
    void runsALabdWasDrivingWhenItStoppedAreMarkedFailedWhenItStartsAgain() throws Exception {
        engine.block = true;
        PulumiRun run = runs.start(rules.caller(DEPLOYER), apply("lab"));
        engine.started.poll(30, TimeUnit.SECONDS);
        // another labd on the same database does not touch it
        service("labd-b", 1, 100).stop();
        assertEquals(PulumiRun.RUNNING, runs.get(rules.caller(ADMIN), run.id()).status());
        // the same labd starting again does: nothing drives the run any more
        RunService restarted = service("labd-a", 1, 100);
        PulumiRun abandoned = restarted.get(rules.caller(ADMIN), run.id());
        assertEquals(PulumiRun.FAILED, abandoned.status());
        assertTrue(abandoned.error().startsWith("labd stopped while the run was going"), abandoned.error());
        restarted.stop();
    }

    ApiException refused(RunRequest request) {
        return assertThrows(ApiException.class, () -> runs.start(rules.caller(ADMIN), request));
    }

    PulumiRun awaitEnd(String id) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            PulumiRun r = runs.get(rules.caller(ADMIN), id);
            if (r.ended()) {
                return r;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("run " + id + " did not end");
    }

    void awaitLine(String id, String text) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (runs.lines(id, 0, 100).stream().anyMatch(l -> l.text().contains(text))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("run " + id + " never said " + text);
    }

    static RunRequest apply(String env) {
        return apply(env, PROGRAM);
    }

    static RunRequest apply(String env, String program) {
        return new RunRequest(PulumiRun.APPLY, env, program, "/home/me/web.yaml");
    }

    static RunRequest plan(String env) {
        return new RunRequest(PulumiRun.PLAN, env, PROGRAM, "web.yaml");
    }

    /** Test double for the Pulumi engine, in process: says two lines, then answers what it was told to. */
    static final class EngineDouble implements PulumiEngine {
        final List<EngineRun> runs = new CopyOnWriteArrayList<>();
        final BlockingQueue<String> started = new LinkedBlockingQueue<>();
        volatile EngineStatus status = new EngineStatus(true, "pulumi", "v3.200.0", null);
        volatile EngineOutcome outcome = new EngineOutcome(Map.of("same", 1), Map.of());
        volatile EngineException failure;
        volatile boolean block;
        volatile int extraLines;
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public EngineStatus status() {
            return status;
        }

        volatile String settings;
        final List<String> settingsSeen = new CopyOnWriteArrayList<>();

        @Override
        public EngineOutcome run(EngineRun run, EngineListener listener) throws EngineException {
            runs.add(run);
            Path file = run.programDir().resolve("Pulumi." + run.stack() + ".yaml");
            try {
                settingsSeen.add(Files.exists(file) ? Files.readString(file) : "");
                if (settings != null) {
                    Files.writeString(file, settings);
                }
            } catch (java.io.IOException e) {
                throw new EngineException(e.toString());
            }
            listener.line("engine: " + (run.operation() == Operation.PREVIEW ? "Previewing" : "Updating") + " ("
                    + run.stack() + ")");
            for (int i = 0; i < extraLines; i++) {
                listener.line(i == 0 ? "engine: " + "x".repeat(10_000) : "engine: line " + i);
            }
            started.add(run.stack());
            if (block) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new EngineException.Cancelled("update canceled");
                }
            }
            if (failure != null) {
                throw failure;
            }
            return outcome;
        }
    }
}
