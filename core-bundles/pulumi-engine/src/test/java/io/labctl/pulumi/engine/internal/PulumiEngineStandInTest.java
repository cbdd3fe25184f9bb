package io.labctl.pulumi.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.labctl.pulumi.engine.EngineException;
import io.labctl.pulumi.engine.EngineListener;
import io.labctl.pulumi.engine.EngineOutcome;
import io.labctl.pulumi.engine.EngineRun;
import io.labctl.pulumi.engine.Operation;

/**
 * The driver against the stand-in engine (a test double of the pulumi binary, run as a real process:
 * target/standin/pulumi, see StandInPulumi): the SDK's real command sequence, files, signals and exit codes.
 */
class PulumiEngineStandInTest {
    static final Path STANDIN = Path.of(System.getProperty("basedir", "."), "target/standin/pulumi").toAbsolutePath();
    static final String PASSPHRASE = "correct horse battery staple";
    static final String SECRET = "hunter2-db-password";

    @TempDir
    Path dir;
    Path program;
    Path record;
    PulumiEngineImpl engine;
    final List<String> lines = new CopyOnWriteArrayList<>();
    final EngineListener listener = lines::add;

    @BeforeEach
    void setUp() throws IOException {
        assertTrue(Files.isExecutable(STANDIN), "the build writes the stand-in's launcher to " + STANDIN);
        program = Files.createDirectories(dir.resolve("program"));
        Files.createDirectories(dir.resolve("state"));
        record = dir.resolve("record.jsonl");
        engine = new PulumiEngineImpl(STANDIN.toString(), dir.resolve("home"), Duration.ofSeconds(10));
    }

    void program(String resources) throws IOException {
        Files.writeString(program.resolve("Pulumi.yaml"), "name: demo\nruntime: yaml\n" + resources);
    }

    EngineRun run(Operation op) {
        return new EngineRun(op, "demo", "dev", program, dir.resolve("state").toUri().toString(), PASSPHRASE,
                Map.of("size", "3", "password", SECRET), Set.of("password"),
                Map.of("LABCTL_STANDIN_RECORD", record.toString()));
    }

    static final String TWO = """
            resources:
              a:
                type: test:index:Thing
                properties:
                  size: ${size}
              b:
                type: test:index:Thing
                properties:
                  colour: blue
            """;

    @Test
    void statusNamesTheEngineAndItsVersion() {
        var status = engine.status();
        assertTrue(status.available(), status.problem());
        assertEquals("3.140.0", status.version());
        assertEquals(STANDIN.toString(), status.binary());
    }

    @Test
    void previewCountsChangesAndChangesNothing() throws Exception {
        program(TWO);
        EngineOutcome preview = engine.run(run(Operation.PREVIEW), listener);
        assertEquals(Map.of("create", 3), preview.changes(), "the stack resource and two things");
        assertEquals(Map.of(), preview.outputs());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("Previewing update (dev)")), lines.toString());
        // nothing was deployed: the update still creates everything
        assertEquals(Map.of("create", 3), engine.run(run(Operation.PREVIEW), listener).changes());
        assertEquals(Map.of("create", 3), engine.run(run(Operation.UP), listener).changes());
    }

    @Test
    void upThenUpAgainThenChangeThenRemoveThenDestroy() throws Exception {
        program(TWO);
        assertEquals(Map.of("create", 3), engine.run(run(Operation.UP), listener).changes());
        assertEquals(Map.of("same", 3), engine.run(run(Operation.UP), listener).changes());
        program(TWO.replace("colour: blue", "colour: green"));
        assertEquals(Map.of("update", 1, "same", 2), engine.run(run(Operation.UP), listener).changes());
        program("""
                resources:
                  a:
                    type: test:index:Thing
                    properties:
                      size: ${size}
                """);
        assertEquals(Map.of("delete", 1, "same", 2), engine.run(run(Operation.UP), listener).changes());
        EngineOutcome destroyed = engine.run(run(Operation.DESTROY), listener);
        assertEquals(Map.of("delete", 2), destroyed.changes(), "the thing and the stack resource");
        assertEquals(Map.of(), destroyed.outputs());
        assertTrue(lines.stream().anyMatch(l -> l.contains("test:index:Thing a deleting")), lines.toString());
    }

    @Test
    void outputsComeBackAsJsonWithTheirSecretFlag() throws Exception {
        program(TWO + """
                outputs:
                  greeting: hello ${size}
                  count: 3
                  endpoint:
                    host: db.lab
                    ports: [5432, 5433]
                  token:
                    fn::secret: abc123
                  dsn: postgres://app:${password}@db.lab/app
                """);
        Map<String, EngineOutcome.Output> outputs = engine.run(run(Operation.UP), listener).outputs();
        assertEquals(new EngineOutcome.Output("\"hello 3\"", false), outputs.get("greeting"));
        assertEquals(new EngineOutcome.Output("3", false), outputs.get("count"));
        assertEquals(JsonParser.parseString("{\"host\":\"db.lab\",\"ports\":[5432,5433]}"),
                JsonParser.parseString(outputs.get("endpoint").json()));
        assertFalse(outputs.get("endpoint").secret());
        assertEquals(new EngineOutcome.Output("\"abc123\"", true), outputs.get("token"));
        assertTrue(outputs.get("dsn").secret(), "derived from a secret config value");
        assertEquals("[secret]", outputs.get("dsn").toString());
        assertEquals(5, outputs.size());
    }

    @Test
    void thePassphraseAndSecretsNeverReachACommandLineTheOutputOrTheProgramFolder() throws Exception {
        program(TWO + "outputs:\n  dsn: postgres://app:${password}@db.lab/app\n");
        engine.run(run(Operation.UP), listener);
        engine.run(run(Operation.DESTROY), listener);
        List<String> invocations = Files.readAllLines(record);
        assertTrue(invocations.size() >= 6, invocations.toString());
        boolean sawConfigSet = false;
        for (String line : invocations) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            String argv = o.get("argv").toString();
            assertFalse(argv.contains(PASSPHRASE), argv);
            assertFalse(argv.contains(SECRET), argv);
            assertFalse(line.contains(PASSPHRASE), "the record holds no value: " + line);
            assertTrue(o.get("passphraseSet").getAsBoolean(), "every invocation has the passphrase: " + line);
            String env = o.get("env").toString();
            for (String name : List.of("PULUMI_HOME", "PULUMI_BACKEND_URL", "PULUMI_SKIP_UPDATE_CHECK")) {
                assertTrue(env.contains("\"" + name + "\""), name + " in " + env);
            }
            assertTrue(argv.contains("--non-interactive"), argv);
            assertEquals(STANDIN.getParent().toString(), o.get("pathHead").getAsString(),
                    "the engine's own folder comes first on its PATH (its language host and plugins)");
            sawConfigSet |= argv.startsWith("[\"config\",\"set\"");
        }
        assertTrue(sawConfigSet, "config was set: " + invocations);
        assertTrue(lines.stream().noneMatch(l -> l.contains(SECRET) || l.contains(PASSPHRASE)), lines.toString());
        for (Path f : Files.list(program).toList()) {
            String text = Files.readString(f);
            assertFalse(text.contains(SECRET) || text.contains(PASSPHRASE), f + ": " + text);
        }
        assertTrue(Files.readString(program.resolve("Pulumi.dev.yaml")).contains("secure: v1:"),
                "the secret is stored encrypted");
    }

    /** What the SDK's Automation API and the driver invoke for an update of a new stack, as the stand-in recorded it. */
    @Test
    void theInvocationsOfAFirstUpdate() throws Exception {
        program(TWO);
        engine.run(run(Operation.UP), listener);
        List<String> argvs = Files.readAllLines(record).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject().get("argv").getAsJsonArray())
                .map(a -> String.join(" ", a.asList().stream().map(e -> e.getAsString())
                        .map(w -> w.endsWith("eventlog.txt") ? "FILE" : w).toList()))
                .toList();
        assertEquals(List.of(
                "stack select --stack dev --non-interactive",
                "stack init dev --secrets-provider passphrase --non-interactive",
                "config set password --secret --stack dev --non-interactive",
                "config set size --plaintext --stack dev --non-interactive",
                "up --yes --skip-preview --exec-kind auto.local --stack dev --non-interactive --event-log FILE",
                "stack output --json --stack dev --non-interactive",
                "stack output --json --show-secrets --stack dev --non-interactive",
                "stack history --json --page-size 1 --page 1 --stack dev --non-interactive"), argvs);
    }

    @Test
    void anEngineErrorComesBackAsItsOwnMessage() throws Exception {
        program(TWO + """
                  c:
                    type: test:index:Thing
                    properties:
                      standin:fail: quota exceeded for test:index:Thing in region lab-1
                """);
        EngineException e = assertThrows(EngineException.class, () -> engine.run(run(Operation.UP), listener));
        assertEquals("quota exceeded for test:index:Thing in region lab-1", e.getMessage());
        assertFalse(e instanceof EngineException.Cancelled || e instanceof EngineException.Unavailable);
        // what was done before the failure stays done: the next update finds a and b
        program(TWO);
        assertEquals(Map.of("same", 3), engine.run(run(Operation.UP), listener).changes());
    }

    /** Several labd instances share the backend, not the program folder: a fresh folder finds the stack and its secrets. */
    @Test
    void aFreshProgramFolderFindsTheStackInTheBackend() throws Exception {
        program(TWO + "outputs:\n  dsn: postgres://app:${password}@db.lab/app\n");
        engine.run(run(Operation.UP), listener);
        Path fresh = Files.createDirectories(dir.resolve("fresh"));
        Files.copy(program.resolve("Pulumi.yaml"), fresh.resolve("Pulumi.yaml"));
        EngineRun r = run(Operation.UP);
        EngineOutcome again = engine.run(new EngineRun(r.operation(), r.project(), r.stack(), fresh, r.backendUrl(),
                r.passphrase(), r.config(), r.secretKeys(), r.environment()), listener);
        assertEquals(Map.of("same", 3), again.changes());
        assertTrue(again.outputs().get("dsn").secret());
    }

    @Test
    void aSecretInTheEnginesWordsIsMasked() throws Exception {
        program(TWO + """
                  c:
                    type: test:index:Thing
                    properties:
                      standin:fail: login refused for app with password ${password}
                """);
        EngineException e = assertThrows(EngineException.class, () -> engine.run(run(Operation.UP), listener));
        assertEquals("login refused for app with password [secret]", e.getMessage());
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("error: login refused for app with password [secret]")),
                lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.contains(SECRET)), lines.toString());
    }

    @Test
    void aWrongPassphraseIsTheEnginesOwnError() throws Exception {
        program(TWO);
        engine.run(run(Operation.UP), listener);
        EngineRun r = run(Operation.UP);
        EngineRun wrong = new EngineRun(r.operation(), r.project(), r.stack(), r.programDir(), r.backendUrl(),
                "not the passphrase", r.config(), r.secretKeys(), r.environment());
        EngineException e = assertThrows(EngineException.class, () -> engine.run(wrong, listener));
        assertTrue(e.getMessage().startsWith("incorrect passphrase"), e.getMessage());
    }

    @Test
    void interruptingTheCallerStopsTheEngineAndThrowsCancelled() throws Exception {
        program(TWO + """
                  slow:
                    type: test:index:Thing
                    properties:
                      standin:sleepSeconds: 600
                """);
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                engine.run(run(Operation.UP), text -> {
                    lines.add(text);
                    if (text.contains("test:index:Thing slow creating")) {
                        started.countDown();
                    }
                });
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        caller.start();
        assertTrue(started.await(120, TimeUnit.SECONDS), "the slow resource started: " + lines);
        caller.interrupt();
        caller.join(TimeUnit.SECONDS.toMillis(120));
        assertFalse(caller.isAlive(), "the run returned");
        assertTrue(thrown.get() instanceof EngineException.Cancelled, String.valueOf(thrown.get()));
        assertEquals("the run was cancelled; the engine stopped", thrown.get().getMessage());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("^C received; cancelling")), lines.toString());
        assertTrue(lines.contains("error: update canceled"), lines.toString());
        assertTrue(ProcessHandle.current().descendants().noneMatch(PulumiEngineStandInTest::isStandIn),
                "no engine process is left");
        // it stopped cleanly: the lock is gone, a and b were kept, and the next update finishes the job
        program(TWO);
        assertEquals(Map.of("same", 3), engine.run(run(Operation.UP), listener).changes());
    }

    @Test
    void aSecondUpdateOfALockedStackGetsTheEnginesLockError() throws Exception {
        program(TWO + """
                  slow:
                    type: test:index:Thing
                    properties:
                      standin:sleepSeconds: 600
                """);
        CountDownLatch started = new CountDownLatch(1);
        Thread first = new Thread(() -> {
            try {
                engine.run(run(Operation.UP), text -> {
                    if (text.contains("slow creating")) {
                        started.countDown();
                    }
                });
            } catch (EngineException expected) {
                // cancelled below
            }
        });
        first.start();
        try {
            assertTrue(started.await(120, TimeUnit.SECONDS));
            EngineException e = assertThrows(EngineException.class, () -> engine.run(run(Operation.UP), listener));
            assertTrue(e.getMessage().startsWith("the stack is currently locked by 1 lock(s)"), e.getMessage());
        } finally {
            first.interrupt();
            first.join(TimeUnit.SECONDS.toMillis(120));
        }
    }

    @Test
    void anEngineThatIgnoresTheInterruptIsKilledAfterTheGrace() throws Exception {
        // an engine that ignores SIGINT (as a hung one would): a shell that ignores it, running the stand-in as its
        // child (the stand-in's launcher takes SIGINT back, so the shell must stay in between)
        Path deaf = dir.resolve("deaf-pulumi");
        Files.writeString(deaf, "#!/bin/sh\ntrap '' INT\n\"" + STANDIN + "\" \"$@\"\n");
        deaf.toFile().setExecutable(true);
        PulumiEngineImpl impatient = new PulumiEngineImpl(deaf.toString(), dir.resolve("home"), Duration.ofSeconds(1));
        program(TWO.replace("colour: blue", "colour: blue\n      standin:sleepSeconds: 600"));
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                impatient.run(run(Operation.UP), text -> {
                    if (text.contains("Thing b creating")) {
                        started.countDown();
                    }
                });
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        caller.start();
        assertTrue(started.await(120, TimeUnit.SECONDS));
        caller.interrupt();
        caller.join(TimeUnit.SECONDS.toMillis(120));
        assertFalse(caller.isAlive());
        assertTrue(thrown.get() instanceof EngineException.Cancelled, String.valueOf(thrown.get()));
        assertEquals("the run was cancelled; the engine did not stop within 1 s and was killed",
                thrown.get().getMessage());
        assertTrue(ProcessHandle.current().descendants().noneMatch(PulumiEngineStandInTest::isStandIn));
    }

    @Test
    void longLinesAreCutWithAMark() throws Exception {
        program(TWO.replace("colour: blue", "colour: blue\n      standin:printChars: 20000"));
        engine.run(run(Operation.UP), listener);
        String cut = lines.stream().filter(l -> l.startsWith("xxxx")).findFirst().orElseThrow();
        assertEquals("x".repeat(EngineCommand.MAX_LINE) + String.format(EngineCommand.TRUNCATED, 20000 - 8192), cut);
    }

    @Test
    void aMissingBinaryMakesTheEngineUnavailableWithWhatToInstall() {
        for (String binary : List.of(dir.resolve("no/such/pulumi").toString(), "pulumi-not-installed-here")) {
            PulumiEngineImpl missing = new PulumiEngineImpl(binary, dir.resolve("home"), Duration.ofSeconds(1));
            var status = missing.status();
            assertFalse(status.available());
            assertNotNull(status.problem());
            assertTrue(status.problem().startsWith("the Pulumi engine is not installed on labd's host"),
                    status.problem());
            assertTrue(status.problem().endsWith("install the pulumi CLI (https://www.pulumi.com/docs/install/) and set"
                    + " pulumiBinary in io.labctl.pulumi.engine if it is not on PATH"), status.problem());
            EngineException.Unavailable e = assertThrows(EngineException.Unavailable.class,
                    () -> missing.run(run(Operation.UP), listener));
            assertEquals(status.problem(), e.getMessage());
        }
        assertTrue(lines.isEmpty());
    }

    @Test
    void anEngineTooOldOrNotExecutableIsUnavailable() throws IOException {
        Path old = dir.resolve("old-pulumi");
        Files.writeString(old, "#!/bin/sh\necho v3.50.0\n");
        old.toFile().setExecutable(true);
        var status = new PulumiEngineImpl(old.toString(), dir, Duration.ofSeconds(1)).status();
        assertFalse(status.available());
        assertTrue(status.problem().contains("is version 3.50.0, labd needs 3.x from 3.95"), status.problem());
        Path plain = dir.resolve("plain-pulumi");
        Files.writeString(plain, "not a program", StandardCharsets.UTF_8);
        status = new PulumiEngineImpl(plain.toString(), dir, Duration.ofSeconds(1)).status();
        assertFalse(status.available());
        assertTrue(status.problem().contains("is not an executable file"), status.problem());
    }

    @Test
    void anEngineThatHangsOnVersionIsUnavailableAfterTheCheck() throws IOException {
        Path hung = dir.resolve("hung-pulumi");
        Files.writeString(hung, "#!/bin/sh\nexec sleep 600\n");
        hung.toFile().setExecutable(true);
        var status = new PulumiEngineImpl(hung.toString(), dir, Duration.ofSeconds(1), Duration.ofSeconds(2)).status();
        assertFalse(status.available());
        assertTrue(status.problem().contains("did not answer 'version' within 2 s"), status.problem());
    }

    @Test
    void badRunsAreRefusedBeforeTheEngineStarts() throws Exception {
        EngineRun r = run(Operation.UP);
        EngineException e = assertThrows(EngineException.class, () -> engine.run(r, listener));
        assertTrue(e.getMessage().contains("must hold a Pulumi.yaml"), e.getMessage());
        program(TWO);
        EngineRun cloud = new EngineRun(Operation.UP, "demo", "dev", program, "https://api.pulumi.com", PASSPHRASE,
                Map.of(), Set.of(), Map.of());
        e = assertThrows(EngineException.class, () -> engine.run(cloud, listener));
        assertTrue(e.getMessage().contains("never in Pulumi Cloud"), e.getMessage());
        EngineRun other = new EngineRun(Operation.UP, "another", "dev", program, r.backendUrl(), PASSPHRASE,
                Map.of(), Set.of(), Map.of());
        e = assertThrows(EngineException.class, () -> engine.run(other, listener));
        assertEquals("the program's Pulumi.yaml names project 'demo' but the run is for 'another': run the program of"
                + " that project, or name the project as its Pulumi.yaml does", e.getMessage());
        assertFalse(Files.exists(record), "the engine never ran");
    }

    static boolean isStandIn(ProcessHandle p) {
        return p.isAlive() && p.info().commandLine().map(c -> c.contains("StandInPulumi")).orElse(false);
    }
}
