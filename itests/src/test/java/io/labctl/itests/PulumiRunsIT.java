package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.itests.support.AppJars;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.protocol.Json;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.apps.AppRelease;
import io.labctl.protocol.apps.AppRevision;
import io.labctl.protocol.pulumi.PulumiRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulumi runs through the real labd (its database, master key, audit chain, access rules) and the real CLI, with the
 * stand-in engine: a test double for the pulumi binary (no Pulumi engine can be had here), a real process that labd's
 * engine driver starts through the Pulumi Java SDK as it would start pulumi.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PulumiRunsIT {
    static final TypeReference<List<PulumiRun>> RUNS = new TypeReference<>() {};
    static final Path STANDIN = Path.of(System.getProperty("labctl.root"), "core-bundles", "pulumi-engine", "target",
            "standin", "pulumi");

    @TempDir
    static Path dir;
    static Labd labd;
    static Cli admin;
    static Cli deployer;
    static Cli reader;
    static Path web;

    @BeforeAll
    static void start() throws Exception {
        assertTrue(Files.isExecutable(STANDIN), "the stand-in engine is built by core-bundles/pulumi-engine: " + STANDIN);
        labd = Labd.install(dir.resolve("labd"), null);
        Files.writeString(dir.resolve("labd/etc/io.labctl.pulumi.engine.cfg"), "pulumiBinary = " + STANDIN + "\n");
        labd.start();
        admin = Cli.named(dir, "admin");
        admin.ok("config", "import", labd.adminBundle().toString());
        admin.environments("lab:baremetal", "prod:baremetal");
        admin.ok("create", "role", "lab-deployer", "--allow", "apply:baremetal:lab:*", "--allow", "read:baremetal:lab:*");
        admin.ok("create", "role", "lab-reader", "--allow", "read:baremetal:lab:*");
        deployer = admin.newUser(dir, "dora", "lab-deployer");
        reader = admin.newUser(dir, "rita", "lab-reader");
        // every command after this through one warm labctl session, as ./labctl runs them (one JVM start in all)
        Path session = dir.resolve("session");
        admin = admin.throughSession(session);
        deployer = deployer.throughSession(session);
        reader = reader.throughSession(session);
        web = program("web.yaml", "web", "v1", "");
    }

    @AfterAll
    static void stop() throws Exception {
        if (labd != null) {
            labd.close();
        }
    }

    static Path program(String file, String project, String version, String extra) throws Exception {
        return Files.writeString(dir.resolve(file), "name: " + project + "\nruntime: yaml\n"
                + "resources:\n"
                + "  site:\n    type: test:index:Site\n    properties:\n      version: " + version + "\n" + extra
                + "  config:\n    type: test:index:Config\n    properties:\n      port: 8080\n"
                + "outputs:\n  url: http://web.lab\n  token:\n    fn::secret: s3cr3t-token\n");
    }

    static List<PulumiRun> runs(Cli cli, String... query) throws Exception {
        String[] args = new String[3 + query.length];
        args[0] = "get";
        args[1] = "runs";
        System.arraycopy(query, 0, args, 2, query.length);
        args[args.length - 1] = "-o";
        String[] withJson = java.util.Arrays.copyOf(args, args.length + 1);
        withJson[withJson.length - 1] = "json";
        return Json.json().readValue(cli.ok(withJson), RUNS);
    }

    @Test
    @Order(1)
    void aPlanShowsWhatWouldChangeAndChangesNothing() throws Exception {
        Processes.Result r = deployer.run("plan", "-f", web.toString(), "--env", "lab");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("Plan: 3 to create."), r.stdout());
        assertTrue(r.stdout().contains("[labd] plan of web.yaml (project web) in lab"), r.stdout());
        List<PulumiRun> runs = runs(deployer);
        assertEquals(1, runs.size());
        PulumiRun plan = runs.get(0);
        assertEquals(List.of(PulumiRun.PLAN, "web/lab", "dora", PulumiRun.SUCCEEDED),
                List.of(plan.kind(), plan.stack(), plan.user(), plan.status()));
        assertEquals(3, plan.changes().get("create"), "the stack itself and its two resources");
        // nothing was made: a second plan still has everything to create
        assertTrue(deployer.ok("plan", "-f", web.toString(), "--env", "lab").contains("Plan: 3 to create."));
    }

    @Test
    @Order(2)
    void applyShowsThePlanAndAppliesWithYesThenHasNothingToDo() throws Exception {
        Processes.Result r = deployer.run("apply", "-f", web.toString(), "--env", "lab", "--yes");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("Plan: 3 to create."), r.stdout());
        assertTrue(r.stdout().contains("Done: 3 created."), r.stdout());
        assertTrue(r.stdout().contains("url: \"http://web.lab\""), r.stdout());
        assertTrue(r.stdout().contains("token: " + PulumiRun.SECRET), r.stdout());
        assertFalse(r.stdout().contains("s3cr3t-token"), "a secret output is masked");

        Processes.Result again = deployer.run("apply", "-f", web.toString(), "--env", "lab", "--yes");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.stdout().contains("No changes: stack web/lab is as the program declares."), again.stdout());

        Path v2 = program("web-v2.yaml", "web", "v2", "");
        Processes.Result update = deployer.run("apply", "-f", v2.toString(), "--env", "lab", "--yes", "-o", "json");
        assertEquals(0, update.exitCode(), update.toString());
        List<PulumiRun> both = Json.json().readValue(update.stdout(), RUNS);
        assertEquals(List.of(PulumiRun.PLAN, PulumiRun.APPLY), both.stream().map(PulumiRun::kind).toList());
        assertEquals(1, both.get(1).changes().get("update"));
        assertTrue(update.stderr().contains("Done: 1 updated"), "the engine's output went to stderr: " + update);
    }

    @Test
    @Order(3)
    void applyWithoutATerminalOrYesRunsNothing() throws Exception {
        int before = runs(admin).size();
        Processes.Result r = deployer.run("apply", "-f", web.toString(), "--env", "lab");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("stdin is not a terminal: run it in one, or pass --yes"), r.stderr());
        assertEquals(before, runs(admin).size());
    }

    @Test
    @Order(4)
    void readersSeeRunsAndLogsButCannotRunAndRefusalsAreAudited() throws Exception {
        Processes.Result refused = reader.run("plan", "-f", web.toString(), "--env", "lab");
        assertEquals(1, refused.exitCode(), refused.toString());
        assertTrue(refused.stderr().contains("apply"), refused.stderr());
        assertEquals(1, deployer.run("apply", "-f", web.toString(), "--env", "prod", "--yes").exitCode(),
                "lab's deployer has nothing in prod");
        assertEquals(1, deployer.run("destroy", "-f", web.toString(), "--env", "lab", "--yes").exitCode(),
                "destroy needs destroy");

        PulumiRun applied = runs(reader, "--env", "lab").stream().filter(x -> x.kind().equals(PulumiRun.APPLY))
                .findFirst().orElseThrow();
        String described = reader.ok("describe", "run/" + applied.id());
        assertTrue(described.contains("Stack:") && described.contains("web/lab") && described.contains("succeeded"),
                described);
        assertTrue(described.contains("token: " + PulumiRun.SECRET), described);
        String log = reader.ok("logs", "pulumi/" + applied.id());
        assertTrue(log.startsWith("[labd] apply of web"), log);
        assertTrue(log.strip().endsWith("succeeded"), log);

        List<AuditEntry> audit = Json.json().readValue(admin.ok("logs", "audit", "--action", "pulumi", "-o", "json"),
                new TypeReference<List<AuditEntry>>() {});
        assertTrue(audit.stream().anyMatch(a -> a.user().equals("rita") && a.result().equals(AuditEntry.DENIED)),
                "the reader's refused plan is audited");
        assertTrue(audit.stream().anyMatch(a -> a.action().equals("pulumi.apply.end") && a.user().equals("dora")
                && a.result().equals("ok")), "each run's end is audited");
    }

    @Test
    @Order(5)
    void oneRunPerStackAndCtrlCCancelsTheRun() throws Exception {
        Path slow = program("slow.yaml", "web", "v3", "      standin:sleepSeconds: 60\n");
        Process first = new ProcessBuilder(deployer.command("apply", "-f", slow.toString(), "--env", "lab", "--yes"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("first.out").toFile()).start();
        Processes.await("the slow apply to start", Duration.ofSeconds(60), () -> {
            try {
                return runs(admin).stream().anyMatch(x -> x.status().equals(PulumiRun.RUNNING)
                        && x.kind().equals(PulumiRun.APPLY));
            } catch (Exception e) {
                return false;
            }
        });
        PulumiRun running = runs(admin).stream().filter(x -> x.status().equals(PulumiRun.RUNNING)
                && x.kind().equals(PulumiRun.APPLY)).findFirst().orElseThrow();
        Processes.Result locked = admin.run("plan", "-f", web.toString(), "--env", "lab");
        assertEquals(1, locked.exitCode(), locked.toString());
        assertTrue(locked.stderr().contains("stack web/lab is locked by run " + running.id()), locked.stderr());
        assertEquals(0, admin.run("plan", "-f", web.toString(), "--env", "prod").exitCode(), "other stacks go on");

        // a reader follows the run's log; taking their read away ends the follow (the run goes on)
        Process follower = new ProcessBuilder(reader.command("logs", "pulumi/" + running.id(), "-f"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("follower.out").toFile()).start();
        Processes.await("the reader's follow to print the run's first line", Duration.ofSeconds(30), () -> {
            try {
                return Files.readString(dir.resolve("follower.out")).contains("[labd] apply of slow.yaml");
            } catch (java.io.IOException e) {
                return false;
            }
        });
        admin.ok("unbind", "role", "lab-reader", "--user", "rita");
        try {
            assertTrue(follower.waitFor(30, TimeUnit.SECONDS), "the follow ends once read is withdrawn");
            assertTrue(follower.exitValue() != 0, Files.readString(dir.resolve("follower.out")));
        } finally {
            follower.destroyForcibly();
            admin.ok("bind", "role", "lab-reader", "--user", "rita");
        }
        assertEquals(PulumiRun.RUNNING, runs(admin).stream().filter(x -> x.id().equals(running.id())).findFirst()
                .orElseThrow().status());

        assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(first.pid())).start().waitFor());
        assertTrue(first.waitFor(60, TimeUnit.SECONDS), "labctl ends once the run has stopped");
        assertEquals(130, first.exitValue(), Files.readString(dir.resolve("first.out")));
        PulumiRun cancelled = runs(admin).stream().filter(x -> x.id().equals(running.id())).findFirst().orElseThrow();
        assertEquals(PulumiRun.CANCELLED, cancelled.status());
        assertEquals("dora", cancelled.cancelledBy());
    }

    @Test
    @Order(6)
    void anEngineErrorFailsTheRunWithTheEnginesWords() throws Exception {
        Path broken = program("broken.yaml", "broken", "v1", "      standin:fail: quota exceeded for sites\n");
        Processes.Result r = deployer.run("apply", "-f", broken.toString(), "--env", "lab", "--yes");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("Plan: 3 to create."), "the plan went through: " + r.stdout());
        assertTrue(r.stdout().contains("quota exceeded for sites"), r.stdout());
        PulumiRun failed = runs(deployer).stream().filter(x -> x.project().equals("broken")).findFirst().orElseThrow();
        assertEquals(PulumiRun.APPLY, failed.kind());
        assertEquals(PulumiRun.FAILED, failed.status());
        assertTrue(failed.error().contains("quota exceeded for sites"), failed.error());
    }

    @Test
    @Order(7)
    void destroyDeletesWhatTheStackHolds() throws Exception {
        Processes.Result r = admin.run("destroy", "-f", web.toString(), "--env", "lab", "--yes");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("Plan: 3 to delete."), "the plan of the destroy first: " + r.stdout());
        assertTrue(r.stdout().contains("Done: 3 deleted."), r.stdout());
        assertEquals(List.of(PulumiRun.DESTROY, PulumiRun.PLAN_DESTROY), runs(admin).stream().limit(2)
                .map(PulumiRun::kind).toList());
        Processes.Result again = admin.run("destroy", "-f", web.toString(), "--env", "lab", "--yes");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.stdout().contains("Nothing to destroy: stack web/lab holds no resources."), again.stdout());
        assertTrue(admin.ok("plan", "-f", web.toString(), "--env", "lab").contains("Plan: 3 to create."),
                "nothing is left");
    }

    @Test
    @Order(8)
    void anAppIsInstalledUpgradedRolledBackAndUninstalledAsRevisions() throws Exception {
        // the jar an app's build publishes runs on its own: java -jar reaches the Pulumi SDK's engine connection
        Path published = Path.of(System.getProperty("labctl.root"), "apps", "postgresql", "target",
                "io.labctl.apps.postgresql-" + System.getProperty("labctl.version", "0.1.0-SNAPSHOT") + "-app.jar");
        Processes.Result alone = Processes.run(dir, List.of("java", "-jar", published.toString()), Duration.ofSeconds(60));
        assertTrue(alone.stderr().contains("Program run without the Pulumi engine available"), alone.toString());

        assertTrue(admin.ok("repo", "push", published.toString()).contains("postgresql"));
        // the next version from the plain jar (the program without the SDKs: the stand-in engine never runs it), so
        // the test does not repack 38 MB
        Path plain = published.resolveSibling(published.getFileName().toString().replace("-app.jar", ".jar"));
        Path next = AppJars.withVersion(plain, dir.resolve("postgresql-1.0.1.jar"), "1.0.1");
        admin.ok("repo", "push", next.toString());
        admin.ok("create", "role", "lab-operator", "--allow", "apply:baremetal:lab:*", "--allow",
                "destroy:baremetal:lab:*", "--allow", "read:baremetal:lab:*");
        Cli operator = admin.newUser(dir, "olga", "lab-operator").throughSession(dir.resolve("session"));
        Path secrets = Files.writeString(dir.resolve("secrets.yaml"), "password: pg-s3cret-value\n");

        // the app asks destroy too (its app.yaml): apply alone is refused, and the refusal audited
        Processes.Result refused = deployer.run("apps", "install", "postgresql", "--env", "lab", "-f",
                secrets.toString());
        assertEquals(1, refused.exitCode(), refused.toString());
        // every bad input named before anything runs; a secret is never taken from the command line
        Processes.Result bad = operator.run("apps", "install", "postgresql", "--env", "lab", "--set",
                "password=on-the-command-line", "--set", "createNamespace=maybe", "--set", "colour=blue");
        assertEquals(1, bad.exitCode(), bad.toString());
        for (String expected : List.of("input password is secret", "createNamespace must be true or false",
                "colour is not an input")) {
            assertTrue(bad.stderr().contains(expected), expected + " missing in " + bad.stderr());
        }
        assertFalse(bad.stderr().contains("on-the-command-line"), bad.stderr());

        Processes.Result install = operator.run("apps", "install", "postgresql", "--env", "lab", "--version", "1.0.0",
                "-f", secrets.toString(), "--set", "storageSize=2Gi");
        assertEquals(0, install.exitCode(), install.toString());
        assertTrue(install.stdout().contains("2 created"), "the stack and the program's stand-in resource: "
                + install.stdout());
        assertFalse(install.stdout().contains("pg-s3cret-value"), install.stdout());
        AppRelease status = Json.json().readValue(operator.ok("apps", "status", "postgresql", "--env", "lab", "-o",
                "json"), AppRelease.class);
        assertEquals(List.of(AppRelease.DEPLOYED, 1, "1.0.0"), List.of(status.status(), status.deployed().revision(),
                status.deployed().version()));
        assertEquals(Map.of("storageSize", "2Gi", "password", AppRevision.MASK), status.deployed().values());

        Processes.Result upgrade = operator.run("apps", "upgrade", "postgresql", "--env", "lab");
        assertEquals(0, upgrade.exitCode(), upgrade.toString());
        assertTrue(upgrade.stdout().contains("1 updated"), "a new jar: the program's resource updated: "
                + upgrade.stdout());
        Processes.Result dryRun = operator.run("apps", "upgrade", "postgresql", "--env", "lab", "--set",
                "storageSize=4Gi", "--dry-run");
        assertEquals(0, dryRun.exitCode(), dryRun.toString());
        assertTrue(dryRun.stdout().contains("Plan: 1 to update, 1 unchanged."), dryRun.stdout());
        assertEquals(0, operator.run("apps", "rollback", "postgresql", "1", "--env", "lab").exitCode());

        List<AppRevision> history = Json.json().readValue(reader.ok("apps", "history", "postgresql", "--env", "lab",
                "-o", "json"), new TypeReference<List<AppRevision>>() {});
        assertEquals(List.of("rollback 1.0.0 succeeded", "upgrade 1.0.1 succeeded", "install 1.0.0 succeeded"),
                history.stream().map(h -> h.kind() + " " + h.version() + " " + h.status()).toList(),
                "the dry run is no revision");
        assertEquals(List.of(PulumiRun.ROLLBACK, PulumiRun.PLAN, PulumiRun.UPGRADE, PulumiRun.INSTALL),
                runs(reader, "--app", "postgresql").stream().map(PulumiRun::kind).toList());
        Processes.Result inUse = admin.run("repo", "remove", "postgresql/1.0.0");
        assertEquals(1, inUse.exitCode(), inUse.toString());
        assertTrue(inUse.stderr().contains("deployed in lab (revision 3)"), inUse.stderr());
        // a program's run cannot take the app's stack
        Path clash = Files.writeString(dir.resolve("clash.yaml"), "name: postgresql\nruntime: yaml\n");
        Processes.Result taken = operator.run("apply", "-f", clash.toString(), "--env", "lab", "--yes");
        assertEquals(1, taken.exitCode(), taken.toString());
        assertTrue(taken.stderr().contains("belongs to app postgresql"), taken.stderr());

        Processes.Result uninstall = operator.run("apps", "uninstall", "postgresql", "--env", "lab", "--yes");
        assertEquals(0, uninstall.exitCode(), uninstall.toString());
        assertTrue(uninstall.stdout().contains("2 deleted"), uninstall.stdout());
        assertEquals(AppRelease.UNINSTALLED, Json.json().readValue(operator.ok("apps", "status", "postgresql", "--env",
                "lab", "-o", "json"), AppRelease.class).status());

        // to a registered cluster: the engine gets its kubeconfig; answers and logs show the cluster, never its token
        Path key = dir.resolve("edge-ca.key");
        Path ca = dir.resolve("edge-ca.crt");
        assertEquals(0, Processes.run(dir, List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(), "-out", ca.toString(), "-subj",
                "/CN=edge", "-days", "1"), Duration.ofSeconds(30)).exitCode());
        Path kubeconfig = Files.writeString(dir.resolve("edge.yaml"), "apiVersion: v1\nkind: Config\n"
                + "current-context: edge\nclusters:\n- name: edge\n  cluster: {server: \"https://127.0.0.1:6443\","
                + " certificate-authority-data: " + java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(ca))
                + "}\nusers:\n- name: u\n  user: {token: edge-t0ken-value}\ncontexts:\n- name: edge\n"
                + "  context: {cluster: edge, user: u}\n");
        admin.ok("clusters", "add", "edge", "--kubeconfig", kubeconfig.toString(), "--env", "lab", "--no-verify");
        Processes.Result onCluster = operator.run("apps", "install", "postgresql", "--env", "lab", "--cluster", "edge",
                "--version", "1.0.1", "-f", secrets.toString());
        assertEquals(0, onCluster.exitCode(), onCluster.toString());
        assertFalse(onCluster.stdout().contains("edge-t0ken-value"), onCluster.stdout());
        AppRelease onEdge = Json.json().readValue(operator.ok("apps", "status", "postgresql", "--env", "lab", "-o",
                "json"), AppRelease.class);
        assertEquals(List.of("edge", 5), List.of(onEdge.cluster(), onEdge.deployed().revision()));

        List<AuditEntry> audit = Json.json().readValue(admin.ok("logs", "audit", "--action", "apps", "-o", "json"),
                new TypeReference<List<AuditEntry>>() {});
        assertTrue(audit.stream().anyMatch(a -> a.user().equals("dora") && a.result().equals(AuditEntry.DENIED)),
                "the refused install is audited: " + audit);
        List<AuditEntry> ends = Json.json().readValue(admin.ok("logs", "audit", "--action", "pulumi.install", "-o",
                "json"), new TypeReference<List<AuditEntry>>() {});
        assertTrue(ends.stream().anyMatch(a -> a.user().equals("olga") && a.resource().equals("stack/postgresql/lab")),
                "the install's end is audited: " + ends);
    }

    @Test
    @Order(9)
    void withoutTheEngineEveryRunSaysWhatToInstallAndTheRestOfLabdGoesOn() throws Exception {
        Path cfg = dir.resolve("labd/etc/io.labctl.pulumi.engine.cfg");
        Files.writeString(cfg, "pulumiBinary = " + dir.resolve("no-such/pulumi") + "\n");
        try {
            Processes.await("labd to take the missing engine", Duration.ofSeconds(60), () -> {
                try {
                    return admin.run("plan", "-f", web.toString(), "--env", "lab").stderr().contains("install");
                } catch (Exception e) {
                    return false;
                }
            });
            Processes.Result r = admin.run("plan", "-f", web.toString(), "--env", "lab");
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("pulumi"), r.stderr());
            assertFalse(r.stderr().contains("Exception"), r.stderr());
            assertFalse(runs(admin).isEmpty(), "the records are still there");
            admin.ok("get", "servers");
        } finally {
            Files.writeString(cfg, "pulumiBinary = " + STANDIN + "\n");
        }
    }
}
