package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.itests.support.Agent;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.protocol.Json;
import io.labctl.protocol.access.AuditEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's open streams end when their access ends: the user deleted (certificate revoked), the role that allowed
 * the stream unbound on this labd, or unbound directly in the database (as another labd instance would), which this
 * labd learns only through its poll. Each stream is a real CLI process against a real labd and agent.
 */
class StreamRevocationIT {
    /** labd's goal is 1 s on the instance that made the change; CI shares 2 cores, so allow about 5x. */
    static final Duration LOCAL_BOUND = Duration.ofSeconds(5);
    /** Through the database: one rbac poll (2 s by default) plus the re-check; about 5x of that. */
    static final Duration POLL_BOUND = Duration.ofSeconds(12);
    /** ExitCodes.ACCESS_REVOKED of the CLI. */
    static final int ACCESS_REVOKED = 77;

    @TempDir
    static Path dir;
    static Labd labd;
    static Cli admin;
    static Agent agent;
    static Path logs;

    @BeforeAll
    static void start() throws Exception {
        logs = Files.createDirectories(dir.resolve("var-log"));
        labd = Labd.install(dir.resolve("labd"), null);
        Files.writeString(labd.home.resolve("etc/io.labctl.rbac.cfg"), "defaultLogPaths = " + logs + "/**\n");
        labd.start();
        Files.createDirectories(dir.resolve("cli"));
        admin = new Cli(dir.resolve("cli/config.yaml"));
        admin.ok("config", "import", labd.adminBundle().toString());
        String token = admin.ok("create", "token", "--server", "box").strip();
        agent = Agent.install(dir.resolve("agent"), "box", labd.url(), token).start();
        agent.awaitOnline(admin, Duration.ofSeconds(90), labd.log());
        admin.ok("create", "role", "operator", "--allow", "exec:*:*:*", "--allow", "read:*:*:*");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {agent, labd}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void anExecEndsWhenItsUserIsDeleted() throws Exception {
        Cli user = user("ex-deleted");
        Stream exec = exec(user, "ex-deleted");
        cut(exec, LOCAL_BOUND, () -> admin.ok("delete", "user/ex-deleted"));
        assertRemoteProcessGone(exec);
        assertAudited("ex-deleted", "exec", "revoked");
    }

    @Test
    void anExecEndsWhenTheRoleThatAllowedItIsUnbound() throws Exception {
        Cli user = user("ex-unbound");
        Stream exec = exec(user, "ex-unbound");
        cut(exec, LOCAL_BOUND, () -> admin.ok("unbind", "role", "operator", "--user", "ex-unbound"));
        assertRemoteProcessGone(exec);
        assertAudited("ex-unbound", "exec", "may no longer exec");
    }

    @Test
    void aFollowedLogEndsWhenItsUserIsDeleted() throws Exception {
        Cli user = user("lg-deleted");
        Stream follow = follow(user, "lg-deleted");
        cut(follow, LOCAL_BOUND, () -> admin.ok("delete", "user/lg-deleted"));
        assertAudited("lg-deleted", "logs", "revoked");
    }

    @Test
    void aFollowedLogEndsWhenTheRoleThatAllowedItIsUnbound() throws Exception {
        Cli user = user("lg-unbound");
        Stream follow = follow(user, "lg-unbound");
        cut(follow, LOCAL_BOUND, () -> admin.ok("unbind", "role", "operator", "--user", "lg-unbound"));
        assertAudited("lg-unbound", "logs", "may no longer read");
    }

    /** Still allowed to read the server, but the role whose log path admitted the file is gone: the read ends. */
    @Test
    void aFollowedFileEndsWhenTheLogPathThatAdmittedItGoes() throws Exception {
        Path appDir = Files.createDirectories(logs.resolve("app"));
        admin.ok("create", "role", "app-reader", "--allow", "read:*:*:*", "--log-path", appDir + "/**");
        admin.ok("create", "role", "db-reader", "--allow", "read:*:*:*", "--log-path", logs.resolve("db") + "/**");
        Path bundle = dir.resolve("lg-narrowed.labctl.yaml");
        admin.ok("create", "user", "lg-narrowed", "--out", bundle.toString());
        admin.ok("bind", "role", "app-reader", "--user", "lg-narrowed");
        admin.ok("bind", "role", "db-reader", "--user", "lg-narrowed");
        Files.createDirectories(dir.resolve("cli-lg-narrowed"));
        Cli user = new Cli(dir.resolve("cli-lg-narrowed/config.yaml"));
        user.ok("config", "import", bundle.toString());
        Path file = Files.writeString(appDir.resolve("app.log"), "first line\n");
        Stream follow = launch(user, "lg-narrowed", "logs", "server/box", "--file", file.toString(), "-f");
        awaitOutput(follow, "first line");
        cut(follow, LOCAL_BOUND, () -> admin.ok("unbind", "role", "app-reader", "--user", "lg-narrowed"));
        assertAudited("lg-narrowed", "logs", "access narrowed");
    }

    /** Another labd instance's change reaches this one only through the database: so does this one. */
    @Test
    void aChangeMadeOnlyInTheDatabaseEndsTheStreamWithinAPoll() throws Exception {
        Cli user = user("ex-elsewhere");
        Stream exec = exec(user, "ex-elsewhere");
        cut(exec, POLL_BOUND, () -> {
            try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + labd.dbPort
                    + "/postgres", "postgres", "")) {
                db.setAutoCommit(false);
                try (PreparedStatement unbind = db.prepareStatement("DELETE FROM user_roles WHERE user_id ="
                        + " (SELECT id FROM users WHERE username = ?)");
                     Statement bump = db.createStatement()) {
                    unbind.setString(1, "ex-elsewhere");
                    assertEquals(1, unbind.executeUpdate());
                    bump.executeUpdate("UPDATE rbac_generation SET generation = generation + 1 WHERE id = 1");
                }
                db.commit();
            }
            return null;
        });
        assertRemoteProcessGone(exec);
        assertAudited("ex-elsewhere", "exec", "may no longer exec");
    }

    // ---- helpers

    interface Change {
        Object run() throws Exception;
    }

    /** A running CLI process, its output files, and (for exec) the file the remote shell wrote its pid to. */
    record Stream(Process process, Path stdout, Path stderr, Path pid) {}

    static Cli user(String name) throws Exception {
        Path bundle = dir.resolve(name + ".labctl.yaml");
        admin.ok("create", "user", name, "--out", bundle.toString());
        admin.ok("bind", "role", "operator", "--user", name);
        Files.createDirectories(dir.resolve("cli-" + name));
        Cli cli = new Cli(dir.resolve("cli-" + name + "/config.yaml"));
        cli.ok("config", "import", bundle.toString());
        return cli;
    }

    static Stream exec(Cli user, String name) throws Exception {
        Path pid = dir.resolve(name + ".pid");
        Stream s = launch(user, name, "exec", "server/box", "--", "sh", "-c",
                "echo $$ > " + pid + "; echo started; exec sleep 120");
        awaitOutput(s, "started");
        return s;
    }

    static Stream follow(Cli user, String name) throws Exception {
        Path file = logs.resolve(name + ".log");
        Files.writeString(file, "first line\n");
        Stream s = launch(user, name, "logs", "server/box", "--file", file.toString(), "-f");
        awaitOutput(s, "first line");
        Files.writeString(file, "second line\n", StandardOpenOption.APPEND);
        awaitOutput(s, "second line");
        return s;
    }

    static Stream launch(Cli user, String name, String... args) throws Exception {
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(user.command(args)).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new Stream(p, out, err, dir.resolve(name + ".pid"));
    }

    static void awaitOutput(Stream s, String text) throws InterruptedException {
        Processes.await("'" + text + "' from the stream", Duration.ofSeconds(60), () -> {
            try {
                return Files.readString(s.stdout()).contains(text) || !s.process().isAlive();
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(s.process().isAlive(), "the stream is open before the change: " + describe(s));
    }

    /** Makes the change, then the stream must end within the bound with the revocation exit code and message. */
    static void cut(Stream s, Duration bound, Change change) throws Exception {
        try {
            change.run();
            long changed = System.nanoTime();
            boolean ended = s.process().waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
            long tookMs = (System.nanoTime() - changed) / 1_000_000;
            assertTrue(ended, "the stream still runs " + bound + " after the change: " + describe(s));
            assertEquals(ACCESS_REVOKED, s.process().exitValue(), describe(s));
            String stderr = Files.readString(s.stderr());
            assertTrue(stderr.contains("labd ended the stream") && stderr.contains("access"), stderr);
            System.out.println("stream ended " + tookMs + " ms after the change");
        } finally {
            s.process().destroyForcibly();
        }
    }

    static void assertRemoteProcessGone(Stream s) throws Exception {
        long pid = Long.parseLong(Files.readString(s.pid()).strip());
        Processes.await("the remote command (pid " + pid + ") stopped", Duration.ofSeconds(15),
                () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    }

    /** The closing row says the stream was denied and why. */
    static void assertAudited(String user, String verb, String why) throws Exception {
        List<AuditEntry> rows = Json.json().readValue(admin.ok("logs", "audit", "--user", user, "--action", verb,
                "-o", "json"), new TypeReference<List<AuditEntry>>() {});
        assertTrue(rows.stream().anyMatch(e -> e.action().equals(verb + ".close")
                && AuditEntry.DENIED.equals(e.result()) && e.error() != null && e.error().contains(why)),
                rows.toString());
    }

    static String describe(Stream s) {
        try {
            return "alive=" + s.process().isAlive() + " stdout=" + Files.readString(s.stdout()) + " stderr="
                    + Files.readString(s.stderr());
        } catch (Exception e) {
            return e.toString();
        }
    }
}
