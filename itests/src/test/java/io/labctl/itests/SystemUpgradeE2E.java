package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.itests.support.Agent;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.itests.support.Tls;
import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.Json;
import io.labctl.protocol.SystemChange;
import io.labctl.protocol.access.AuditEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * labd's own capabilities changed on the running labd through the real CLI (profile modules-e2e), with one agent
 * connected throughout: labd-exec upgraded to a re-versioned jar from labd's repository (exec still served), a
 * broken version (a DS component that waits for a service nobody offers) rolled back, the upgrade still there after
 * a restart of labd; refusals (unknown feature, version not in the repository, protected feature, feature others
 * need, non-admin), each audited; an uninstall/install round trip from the repository and from the distribution; the
 * audit chain verifies at the end.
 */
class SystemUpgradeE2E {
    static final String EXEC = "io.labctl.exec";
    static final String CONNECTED = "connected to labd at";

    /** Kept when the test fails: labd's log (labd/data/log/karaf.log) says what Karaf did. */
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void labdCapabilitiesAreUpgradedRolledBackInstalledAndUninstalledLive() throws Exception {
        try (Labd labd = Labd.install(dir.resolve("labd"), null).start()) {
            Files.createDirectories(dir.resolve("cli"));
            Cli cli = new Cli(dir.resolve("cli/config.yaml"));
            cli.ok("config", "import", labd.adminBundle().toString());
            String token = cli.ok("create", "token", "--server", "sys-1").strip();
            try (Agent agent = Agent.install(dir.resolve("sys-1"), "sys-1", labd.url(), token).start()) {
                agent.awaitOnline(cli, Duration.ofSeconds(120), labd.log());
                assertExecWorks(cli, "before");
                long connections = connections(agent);
                long restartsAtBoot = restarts(labd);

                String version = versionOf(cli, "labd-exec");
                String mvn = version.replace(".SNAPSHOT", "-SNAPSHOT");
                Path jar = labd.home.resolve("system/io/labctl/" + EXEC + "/" + mvn + "/" + EXEC + "-" + mvn + ".jar");
                cli.ok("repo", "push", rewritten(jar, dir.resolve("exec-0.2.0.jar"), "0.2.0", false).toString(),
                        "--name", "labd-exec", "--version", "0.2.0");
                cli.ok("repo", "push", rewritten(jar, dir.resolve("exec-0.2.1.jar"), "0.2.1", true).toString(),
                        "--name", "labd-exec", "--version", "0.2.1");
                cli.ok("repo", "push", rewritten(jar, dir.resolve("exec-0.3.0.jar"), "0.3.0", false).toString(),
                        "--name", "labd-exec", "--version", "0.3.0");

                // upgrade from the repository: the new version serves exec
                long start = System.nanoTime();
                Processes.Result up = cli.run("system", "upgrade", "labd-exec", "--to", "0.2.0");
                System.out.println("system upgrade labd-exec, CLI to answer: " + (System.nanoTime() - start) / 1_000_000
                        + " ms\n" + up.stdout());
                assertEquals(0, up.exitCode(), up.toString());
                // labd's steps, on stderr as they came (the table alone on stdout)
                assertTrue(up.stderr().contains("fetched: labd-exec 0.2.0 from labd's repository, SHA-256 ")
                        && up.stderr().contains("installed: labd-exec 0.2.0 installed by Karaf in place of " + version)
                        && up.stderr().contains("health: waiting up to 20 s for labd-exec 0.2.0")
                        && up.stderr().contains("healthy: labd-exec 0.2.0 is active"), up.stderr());
                assertTrue(up.stdout().matches("(?s).*labd-exec +upgraded +" + version.replace(".", "\\.")
                        + " +0\\.2\\.0 +repository .*"), up.stdout());
                assertTrue(up.stdout().contains(EXEC + " sha256:"), up.stdout());
                assertEquals("0.2.0", versionOf(cli, "labd-exec"));
                assertEquals("active", stateOf(cli, "labd-exec"));
                assertExecWorks(cli, "after the upgrade");
                assertTrue(cli.run("system", "upgrade", "exec", "--to", "0.2.0").stdout().contains("unchanged"));

                // a version whose component never becomes satisfied: rolled back to 0.2.0
                start = System.nanoTime();
                Processes.Result broken = cli.run("system", "upgrade", "labd-exec", "--to", "0.2.1", "-o", "json");
                System.out.println("system upgrade to a broken version, CLI to answer (rolled back): "
                        + (System.nanoTime() - start) / 1_000_000 + " ms");
                assertEquals(1, broken.exitCode(), broken.toString());
                SystemChange.Result back = Json.json().readValue(broken.stdout(), SystemChange.Result.class);
                assertEquals(SystemChange.ROLLED_BACK, back.result());
                assertTrue(broken.stderr().contains("rolling-back: 0.2.1 is not healthy"), broken.stderr());
                assertTrue(back.message().contains("not healthy") && back.message().contains("0.2.0 runs again"),
                        back.message());
                assertEquals("0.2.0", versionOf(cli, "labd-exec"));
                assertExecWorks(cli, "after the rollback");

                // a version Karaf cannot resolve (an import nothing exports): refused before anything changes
                cli.ok("repo", "push", withImport(rewritten(jar, dir.resolve("exec-0.4.0.jar"), "0.4.0", false),
                        "com.example.nowhere").toString(), "--name", "labd-exec", "--version", "0.4.0");
                Processes.Result unresolvable = cli.run("system", "upgrade", "labd-exec", "--to", "0.4.0");
                assertEquals(1, unresolvable.exitCode(), unresolvable.toString());
                assertTrue(unresolvable.stderr().contains("cannot be installed")
                        && unresolvable.stderr().contains("nothing was changed, 0.2.0 runs on"), unresolvable.stderr());
                assertExecWorks(cli, "after the refused version");
                // the changes restarted nothing but the capability: no refresh by Karaf, the database pool untouched
                assertEquals(restartsAtBoot, restarts(labd), "labd restarted other bundles: see " + labd.log());

                refusals(cli, labd);
                assertEquals(connections, connections(agent), "the agent stayed connected through upgrade and rollback");

                // the upgrade outlives a restart of labd
                labd.stop();
                labd.start(Duration.ofSeconds(180));
                agent.awaitOnline(cli, Duration.ofSeconds(120), labd.log());
                assertEquals("0.2.0", versionOf(cli, "labd-exec"), "the upgraded version after a restart");
                assertEquals("active", stateOf(cli, "labd-exec"));
                assertExecWorks(cli, "after the restart");
                long beforeRoundTrip = connections(agent);

                // uninstall and install again: from the repository (a version Karaf does not know), then the distribution
                assertEquals(0, cli.run("system", "uninstall", "labd-exec").exitCode());
                assertEquals("not-installed", stateOf(cli, "labd-exec"));
                assertTrue(cli.run("exec", "server/sys-1", "--", "true").exitCode() != 0, "exec is gone with its feature");
                Processes.Result fromRepo = cli.run("system", "install", "labd-exec", "--version", "0.3.0");
                assertEquals(0, fromRepo.exitCode(), fromRepo.toString());
                assertTrue(fromRepo.stdout().matches("(?s).*labd-exec +installed +<none> +0\\.3\\.0 +repository .*"),
                        fromRepo.stdout());
                assertExecWorks(cli, "installed from the repository");
                assertEquals(0, cli.run("system", "uninstall", "exec").exitCode());
                Processes.Result fromDist = cli.run("system", "install", "labd-exec", "--version", mvn);
                assertEquals(0, fromDist.exitCode(), fromDist.toString());
                assertTrue(fromDist.stdout().contains("distribution"), fromDist.stdout());
                assertEquals(version, versionOf(cli, "labd-exec"));
                assertExecWorks(cli, "installed from the distribution");

                assertEquals(beforeRoundTrip, connections(agent), "the agent stayed connected through the round trip");
                plainClientGetsOneJsonAnswer(labd);
                Processes.Result verify = cli.run("logs", "audit", "--verify");
                assertEquals(0, verify.exitCode(), "the audit chain verifies: " + verify);
                String audit = cli.ok("logs", "audit", "--action", "system", "--since", "1h");
                assertTrue(audit.contains("system.upgrade") && audit.contains("system.install")
                        && audit.contains("system.uninstall"), audit);
            }
        }
    }

    /** A client that does not ask for NDJSON (curl, a script) gets the one JSON answer at the end, as before. */
    static void plainClientGetsOneJsonAnswer(Labd labd) throws Exception {
        java.net.http.HttpClient admin = Tls.client(CredentialBundle.read(labd.adminBundle()));
        java.net.http.HttpResponse<String> plain = admin.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(labd.url() + "/api/v1/system/upgrade")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"feature\":\"labd-exec\",\"version\":\"0.2.0\"}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, plain.statusCode(), plain.body());
        assertEquals("application/json", plain.headers().firstValue("Content-Type").orElse(""), plain.body());
        SystemChange.Result r = Json.json().readValue(plain.body(), SystemChange.Result.class);
        assertEquals(SystemChange.UPGRADED, r.result(), plain.body());
        assertEquals("0.2.0", r.to());
        java.net.http.HttpResponse<String> refused = admin.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(labd.url() + "/api/v1/system/upgrade")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"feature\":\"labd-exec\",\"version\":\"9.9.9\"}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(404, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("\"code\""), refused.body());
    }

    /** Each refused with a message that says what to do, exit 1; the non-admin's refusal is audited as denied. */
    void refusals(Cli cli, Labd labd) throws Exception {
        Processes.Result unknown = cli.run("system", "upgrade", "labd-nothing", "--to", "0.2.0");
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.stderr().contains("not installed"), unknown.stderr());
        Processes.Result missing = cli.run("system", "upgrade", "labd-exec", "--to", "9.9.9");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.stderr().contains("labctl repo push"), missing.stderr());
        Processes.Result web = cli.run("system", "upgrade", "labd-web", "--to", "0.2.0");
        assertEquals(1, web.exitCode());
        assertTrue(web.stderr().contains("cannot be upgraded on a running labd"), web.stderr());
        Processes.Result needed = cli.run("system", "uninstall", "labd-provisioning");
        assertEquals(1, needed.exitCode());
        assertTrue(needed.stderr().contains("needed by labd-bastion"), needed.stderr());
        assertEquals(2, cli.run("system", "upgrade", "labd-exec").exitCode(), "no --to: usage");

        Path bundle = dir.resolve("viewer.labctl.yaml");
        // the built-in viewer role: read everywhere
        cli.ok("create", "user", "viewer", "--out", bundle.toString());
        cli.ok("bind", "role", "viewer", "--user", "viewer");
        Files.createDirectories(dir.resolve("viewer"));
        Cli viewer = new Cli(dir.resolve("viewer/config.yaml"));
        viewer.ok("config", "import", bundle.toString());
        Processes.Result denied = viewer.run("system", "upgrade", "labd-exec", "--to", "0.3.0");
        assertTrue(denied.exitCode() != 0, denied.toString());
        assertTrue(viewer.run("system", "features").exitCode() == 0, "reading stays allowed");
        List<AuditEntry> rows = Json.json().readValue(cli.ok("logs", "audit", "--user", "viewer", "--action", "system",
                "-o", "json"), new TypeReference<List<AuditEntry>>() {});
        assertTrue(rows.stream().anyMatch(e -> e.action().equals("system.upgrade") && e.result().equals(AuditEntry.DENIED)),
                rows.toString());
        List<AuditEntry> refused = Json.json().readValue(cli.ok("logs", "audit", "--action", "system.upgrade", "-o", "json"),
                new TypeReference<List<AuditEntry>>() {});
        assertTrue(refused.stream().anyMatch(e -> e.result().equals(AuditEntry.FAILED) && e.error() != null
                && e.error().contains("labd-web")), refused.toString());
    }

    static void assertExecWorks(Cli cli, String when) throws Exception {
        Processes.Result r = cli.run("exec", "server/sys-1", "--", "echo", "served");
        assertEquals(0, r.exitCode(), "exec " + when + ": " + r);
        assertEquals("served\n", r.stdout(), "exec " + when);
    }

    static String versionOf(Cli cli, String feature) throws Exception {
        return field(cli, feature, "version");
    }

    static String stateOf(Cli cli, String feature) throws Exception {
        return field(cli, feature, "state");
    }

    static String field(Cli cli, String feature, String field) throws Exception {
        for (var n : Json.json().readTree(cli.ok("system", "features", "-o", "json"))) {
            if (n.get("name").asText().equals(feature)) {
                return n.get(field).asText();
            }
        }
        return null;
    }

    /** Karaf's refreshes and restarts of the database pool so far, in labd's log. */
    static long restarts(Labd labd) throws Exception {
        return Files.readAllLines(labd.log()).stream()
                .filter(l -> l.contains("Refreshing bundles") || l.contains("Shutdown initiated")).count();
    }

    static long connections(Agent agent) throws Exception {
        return agent.logText().lines().filter(l -> l.contains(CONNECTED)).count();
    }

    /** The jar with one more import, which nothing exports: it cannot resolve. */
    static Path withImport(Path jar, String missing) throws Exception {
        Path target = jar.resolveSibling("unresolvable-" + jar.getFileName());
        try (JarFile in = new JarFile(jar.toFile())) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().putValue("Import-Package",
                    manifest.getMainAttributes().getValue("Import-Package") + "," + missing);
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), manifest)) {
                io.labctl.itests.support.Jars.copyEntries(in, out, name -> name.equals("META-INF/MANIFEST.MF"));
            }
        }
        return target;
    }

    /** A copy of the jar at another Bundle-Version; broken: its first DS component also waits for a service nobody offers. */
    static Path rewritten(Path jar, Path target, String version, boolean broken) throws Exception {
        try (JarFile in = new JarFile(jar.toFile())) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().putValue("Bundle-Version", version);
            boolean done = false;
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), manifest)) {
                for (JarEntry e : java.util.Collections.list(in.entries())) {
                    if (e.getName().equals("META-INF/MANIFEST.MF")) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(e.getName()));
                    byte[] content = in.getInputStream(e).readAllBytes();
                    if (broken && !done && e.getName().startsWith("OSGI-INF/") && e.getName().endsWith(".xml")
                            && !e.getName().contains("metatype")) {
                        content = new String(content, java.nio.charset.StandardCharsets.UTF_8).replace("<implementation",
                                "<reference name=\"nowhere\" interface=\"com.example.NoSuchService\"/>\n  <implementation")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        done = true;
                    }
                    out.write(content);
                    out.closeEntry();
                }
            }
        }
        return target;
    }
}
