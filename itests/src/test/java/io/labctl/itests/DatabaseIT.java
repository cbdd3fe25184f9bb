package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.itests.support.Agent;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.itests.support.Tls;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * labd and its embedded PostgreSQL: labd never runs on a server it did not start, and while its database is away
 * health says so and every request fails fast with one clear message, until the database is back.
 */
class DatabaseIT {
    /** Goal: a request fails within a few seconds while the database is away; asserted with CI's margin. */
    static final Duration FAIL_FAST_BOUND = Duration.ofSeconds(25);

    @TempDir
    Path dir;

    @Test
    void refusesToRunOnAPostgresItDidNotStart() throws Exception {
        Labd labd = Labd.install(dir.resolve("labd"), null);
        // another PostgreSQL already listens where labd's embedded one should, with an empty default database (the
        // worst case: labd could set up its schema there) and a database of its own
        try (EmbeddedPostgres foreign = EmbeddedPostgres.builder().setPort(labd.dbPort)
                .setServerConfig("listen_addresses", "127.0.0.1").start()) {
            try (Connection c = foreign.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE someone_elses");
            }
            try (Labd running = labd.launch()) {
                try {
                    Processes.await("labd to refuse the database or to come up", Duration.ofSeconds(180),
                            () -> logMentions(labd, "embeddedPort") || Files.exists(labd.adminBundle()));
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; labd's log about its database: "
                            + read(labd.log()).lines().filter(l -> l.contains("PostgreSQL") || l.contains("database")
                                    || l.contains("ERROR")).limit(40).toList(), e);
                }
                // a labd that came up anyway would keep going: give it a moment to show it
                Thread.sleep(3000);
                String log = Files.readString(labd.log());
                assertFalse(Files.exists(labd.adminBundle()), "labd set up its CA on a database it did not start");
                assertTrue(log.contains("127.0.0.1:" + labd.dbPort) && log.contains("already")
                        && log.contains("embeddedPort"), "the refusal names the port, that it is taken and the fix: " + tail(log));
                assertFalse(log.contains("database ready"), "labd declared the foreign database its own");
            }
            try (Connection c = foreign.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                    ResultSet tables = s.executeQuery("SELECT table_name FROM information_schema.tables"
                            + " WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")) {
                List<String> names = new ArrayList<>();
                while (tables.next()) {
                    names.add(tables.getString(1));
                }
                assertEquals(List.of(), names, "labd created tables in the other server's database");
            }
        }
    }

    @Test
    void whileTheDatabaseIsAwayHealthSaysSoAndRequestsFailFast() throws Exception {
        Labd labd = Labd.install(dir.resolve("labd"), null);
        try (labd) { // closed (stopped) even when it fails to start
            labd.start();
            Files.createDirectories(dir.resolve("cli"));
            Cli admin = new Cli(dir.resolve("cli/config.yaml"));
            admin.ok("config", "import", labd.adminBundle().toString());
            String token = admin.ok("create", "token", "--server", "box").strip();
            Agent agent = Agent.install(dir.resolve("agent"), "box", labd.url(), token);
            try (agent) {
                agent.start();
                agent.awaitOnline(admin, Duration.ofSeconds(90), labd.log());
                assertEquals(200, health(labd).statusCode());
                PgCtl pg = new PgCtl(labd);
                try {
                    pg.run("stop", "-m", "immediate");

                    Processes.await("health to report the database down", Duration.ofSeconds(30),
                            () -> health(labd).statusCode() == 503);
                    String body = health(labd).body();
                    assertTrue(body.contains("\"database\"") && body.contains("unavailable"), body);

                    long t0 = System.nanoTime();
                    Processes.Result list = admin.run("get", "servers");
                    Duration took = Duration.ofNanos(System.nanoTime() - t0);
                    assertNotEquals(0, list.exitCode(), list.toString());
                    assertTrue(list.stderr().contains("labd's database is unreachable"), list.toString());
                    System.out.println("database away: 'get servers' failed after " + took.toMillis() + " ms");
                    assertTrue(took.compareTo(FAIL_FAST_BOUND) < 0, "get servers took " + took);

                    t0 = System.nanoTime();
                    Processes.Result exec = admin.run("exec", "server/box", "--", "true");
                    took = Duration.ofNanos(System.nanoTime() - t0);
                    assertNotEquals(0, exec.exitCode(), exec.toString());
                    assertTrue(exec.stderr().contains("labd's database is unreachable"), exec.toString());
                    System.out.println("database away: 'exec' failed after " + took.toMillis() + " ms");
                    assertTrue(took.compareTo(FAIL_FAST_BOUND) < 0, "exec took " + took);
                } finally {
                    pg.run("start", "-w", "-o", "-p " + labd.dbPort + " -c listen_addresses=127.0.0.1");
                }
                Processes.await("health ok again", Duration.ofSeconds(60), () -> health(labd).statusCode() == 200);
                Processes.await("get servers to work again", Duration.ofSeconds(60), () -> admin.servers().stream()
                        .anyMatch(s -> s.name().equals("box")));
                Processes.Result exec = admin.run("exec", "server/box", "--", "echo", "back");
                assertEquals(0, exec.exitCode(), exec.toString());
                assertEquals("back\n", exec.stdout());
            }
        }
    }

    /** pg_ctl from the binaries labd unpacked under its data directory, on labd's PostgreSQL data. */
    record PgCtl(Path binary, Path data) {
        PgCtl(Labd labd) throws Exception {
            this(find(labd.home.resolve("data/postgresql/bin")), labd.home.resolve("data/postgresql/data"));
        }

        static Path find(Path under) throws Exception {
            try (Stream<Path> files = Files.walk(under)) {
                return files.filter(p -> p.getFileName().toString().equals("pg_ctl")).findFirst()
                        .orElseThrow(() -> new AssertionError("no pg_ctl under " + under));
            }
        }

        void run(String... args) throws Exception {
            List<String> cmd = new ArrayList<>();
            if (asRoot()) {
                // PostgreSQL refuses to run as root; in a user namespace root's files and root's process both
                // appear unprivileged (this is how labd's embedded server runs as root)
                cmd.addAll(List.of("unshare", "-U"));
            }
            cmd.addAll(List.of(binary.toString(), "-D", data.toString(), "-l", data.resolveSibling("pg_ctl.log").toString()));
            cmd.addAll(List.of(args));
            Processes.Result r = Processes.run(data.getParent(), cmd, Duration.ofSeconds(60));
            assertEquals(0, r.exitCode(), "pg_ctl " + String.join(" ", args) + ": " + r);
        }
    }

    static boolean asRoot() throws java.io.IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    }

    static HttpResponse<String> health(Labd labd) {
        try {
            HttpClient anonymous = Tls.anonymous(labd.admin());
            return anonymous.send(HttpRequest.newBuilder(URI.create(labd.url() + "/api/v1/health"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean logMentions(Labd labd, String text) {
        try {
            return Files.exists(labd.log()) && Files.readString(labd.log()).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(no " + file + ")";
        } catch (java.io.IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }
}
