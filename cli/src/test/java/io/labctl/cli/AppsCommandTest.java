package io.labctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.labctl.cli.testsupport.TestCli;
import io.labctl.cli.testsupport.TestLabd;
import io.labctl.cli.testsupport.TestPki;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.Json;
import io.labctl.protocol.apps.AppRelease;
import io.labctl.protocol.apps.AppRequest;
import io.labctl.protocol.apps.AppRevision;
import io.labctl.protocol.apps.AppSummary;
import io.labctl.protocol.pulumi.PulumiRun;
import io.labctl.protocol.pulumi.RunLine;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** labctl apps and get runs --app against a stand-in labd over mutual TLS: checks, request bodies, runs, rendering. */
class AppsCommandTest {
    private static final Instant AN_HOUR_AGO = TestCli.NOW.minus(Duration.ofHours(1));
    private static final Instant A_DAY_AGO = TestCli.NOW.minus(Duration.ofDays(1));
    private static final String RUN = "r-0123456789ab";

    @TempDir
    Path home;
    TestLabd labd;
    TestCli cli;

    @BeforeEach
    void start() throws Exception {
        labd = new TestLabd(TestPki.get());
        cli = new TestCli(home).withContext(TestPki.get(), labd.url());
    }

    @AfterEach
    void stop() {
        labd.close();
    }

    static PulumiRun run(String kind, String status, Map<String, Integer> changes, Map<String, String> outputs,
                         String error) {
        return new PulumiRun(RUN, kind, "lab", "baremetal", "web", "web/lab", "alice", "web-1.0.0.jar", "ab".repeat(32),
                status, AN_HOUR_AGO, PulumiRun.RUNNING.equals(status) ? null : TestCli.NOW, changes, outputs, error,
                null, "web");
    }

    /** labd starts a run for the verb, its log has two lines, and it ends as ended. */
    private void runs(String verb, PulumiRun ended) {
        labd.on("POST", "/api/v1/apps/web/" + verb, 201, run(ended.kind(), PulumiRun.RUNNING, null, null, null));
        labd.onLines("GET", "/api/v1/runs/" + RUN + "/log", new RunLine(1, "[labd] " + ended.kind() + " of app web"),
                new RunLine(2, "+ kubernetes:apps/v1:Deployment web created"));
        labd.on("GET", "/api/v1/runs/" + RUN, 200, ended);
    }

    private TestLabd.Recorded last(String method, String path) {
        return labd.requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no " + method + " " + path + " in " + labd.requests));
    }

    private boolean posted() {
        return labd.requests.stream().anyMatch(q -> q.method().equals("POST"));
    }

    @Test
    void installSendsFileValuesWithTheirStructureAndSetsApartThenFollowsTheRun(@TempDir Path dir) throws Exception {
        runs("install", run(PulumiRun.INSTALL, PulumiRun.SUCCEEDED, Map.of("create", 2),
                Map.of("url", "http://web.lab", "password", PulumiRun.SECRET), null));
        Path base = Files.writeString(dir.resolve("base.yaml"),
                "replicas: 2\nresources:\n  cpu: 500m\n  memory: 1Gi\nstorageSize: 10Gi\n");
        Path secrets = Files.writeString(dir.resolve("secrets.yaml"), "password: s3cr3t-from-file\nreplicas: 3\n");
        TestCli.Result r = cli.run("apps", "install", "web", "--env", "lab", "--version", "1.0.0", "--cluster", "k3s",
                "-f", base.toString(), "-f", secrets.toString(), "--set", "storageSize=20Gi", "--set", "url=http://x/?a=b");
        assertEquals(0, r.code(), r.toString());
        AppRequest sent = Json.json().readValue(last("POST", "/api/v1/apps/web/install").body(), AppRequest.class);
        assertEquals(new AppRequest("lab", "k3s", "1.0.0",
                Map.of("replicas", 3, "resources", Map.of("cpu", "500m", "memory", "1Gi"), "storageSize", "10Gi",
                        "password", "s3cr3t-from-file"),
                Map.of("storageSize", "20Gi", "url", "http://x/?a=b"), null, false), sent,
                "files keep types and objects, the later file wins per input; --set goes apart, as text");
        assertEquals("Run " + RUN + ": install of app web in lab (labctl logs pulumi/" + RUN + ")\n"
                + "[labd] install of app web\n"
                + "+ kubernetes:apps/v1:Deployment web created\n"
                + "Done: 2 created.\n"
                + "Outputs:\n", r.out().substring(0, r.out().indexOf("Outputs:\n") + 9), r.out());
        assertTrue(r.out().contains("  password: " + PulumiRun.SECRET + "\n"), r.out());
        assertFalse((r.out() + r.err()).contains("s3cr3t"), "a secret input is never echoed: " + r);
        assertTrue(last("GET", "/api/v1/runs/" + RUN + "/log").query().contains("follow=true"));
    }

    @Test
    void withOutputTheEndedRunIsTheOnlyThingOnStdoutAndAFailedRunExitsOne() throws Exception {
        PulumiRun failed = run(PulumiRun.INSTALL, PulumiRun.FAILED, null, null, "quota exceeded");
        runs("install", failed);
        TestCli.Result r = cli.run("apps", "install", "web", "--env", "lab", "-o", "json");
        assertEquals(1, r.code(), r.toString());
        assertEquals(failed, Json.json().readValue(r.out(), PulumiRun.class));
        assertTrue(r.err().contains("[labd] install of app web\n"), "the engine's lines go to stderr: " + r.err());
        assertTrue(r.err().contains("Run " + RUN + " failed: quota exceeded"), r.err());
        AppRequest sent = Json.json().readValue(last("POST", "/api/v1/apps/web/install").body(), AppRequest.class);
        assertNull(sent.version(), "no --version: labd takes the newest");
        assertEquals(Map.of(), sent.values());
        assertEquals(Map.of(), sent.sets());
    }

    @Test
    void upgradeDryRunSendsDryRunAndPrintsThePlan() throws Exception {
        runs("upgrade", run(PulumiRun.PLAN, PulumiRun.SUCCEEDED, Map.of("update", 1, "same", 4), null, null));
        TestCli.Result r = cli.run("apps", "upgrade", "web", "--env", "lab", "--to", "1.1.0", "--dry-run",
                "--set", "replicas=4");
        assertEquals(0, r.code(), r.toString());
        AppRequest sent = Json.json().readValue(last("POST", "/api/v1/apps/web/upgrade").body(), AppRequest.class);
        assertEquals(new AppRequest("lab", null, "1.1.0", Map.of(), Map.of("replicas", "4"), null, true), sent);
        assertTrue(r.out().startsWith("Run " + RUN + ": plan of app web in lab"), r.out());
        assertTrue(r.out().endsWith("Plan: 1 to update, 4 unchanged.\n"), r.out());
    }

    @Test
    void installDryRunSendsDryRun() throws Exception {
        runs("install", run(PulumiRun.PLAN, PulumiRun.SUCCEEDED, Map.of("create", 3), null, null));
        TestCli.Result r = cli.run("apps", "install", "web", "--env", "lab", "--dry-run");
        assertEquals(0, r.code(), r.toString());
        AppRequest sent = Json.json().readValue(last("POST", "/api/v1/apps/web/install").body(), AppRequest.class);
        assertTrue(sent.dryRun(), "dryRun sent");
        assertTrue(r.out().endsWith("Plan: 3 to create.\n"), r.out());
    }

    @Test
    void rollbackSendsTheRevision() throws Exception {
        runs("rollback", run(PulumiRun.ROLLBACK, PulumiRun.SUCCEEDED, Map.of("update", 1), null, null));
        TestCli.Result r = cli.run("apps", "rollback", "web", "1", "--env", "lab", "-o", "yaml");
        assertEquals(0, r.code(), r.toString());
        JsonNode sent = Json.json().readTree(last("POST", "/api/v1/apps/web/rollback").body());
        assertEquals(1, sent.get("revision").asInt());
        assertEquals("lab", sent.get("environment").asText());
        assertTrue(r.out().contains("kind: \"rollback\"") || r.out().contains("kind: rollback"), r.out());
        assertTrue(r.err().contains("Done: 1 updated."), r.err());
    }

    @Test
    void labdsRefusalIsExitOneWithItsMessage() {
        labd.on("POST", "/api/v1/apps/web/install", 400, new ApiError("invalid-inputs",
                "password is a secret input: give it in a file (-f), not with --set", "r"));
        TestCli.Result r = cli.run("apps", "install", "web", "--env", "lab", "--set", "password=x");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("error: password is a secret input: give it in a file (-f), not with --set"), r.err());
    }

    @Test
    void usageErrorsAreExitTwoAndNothingIsSent(@TempDir Path dir) throws Exception {
        Path list = Files.writeString(dir.resolve("list.yaml"), "- a\n- b\n");
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "password: ~\nport: 1\n");
        Path twice = Files.writeString(dir.resolve("twice.yaml"), "port: 1\nport: 2\n");
        String[][] bad = {
                {"apps"},
                {"apps", "install", "Web", "--env", "lab"},
                {"apps", "install", "web_1", "--env", "lab"},
                {"apps", "install", "a".repeat(64), "--env", "lab"},
                {"apps", "install", "web"},
                {"apps", "install", "web", "--env", "Lab!"},
                {"apps", "install", "web", "--env", "lab", "--set", "novalue"},
                {"apps", "install", "web", "--env", "lab", "--set", "a=1", "--set", "a=2"},
                {"apps", "install", "web", "--env", "lab", "-f", dir.resolve("missing.yaml").toString()},
                {"apps", "install", "web", "--env", "lab", "-f", list.toString()},
                {"apps", "install", "web", "--env", "lab", "-f", empty.toString()},
                {"apps", "install", "web", "--env", "lab", "-f", twice.toString()},
                {"apps", "install", "web", "--env", "lab", "--version", "1.0/0"},
                {"apps", "install", "web", "--env", "lab", "--cluster", "K3S"},
                {"apps", "install", "web", "--env", "lab", "-o", "wide"},
                {"apps", "upgrade", "web", "--env", "lab", "--to", ""},
                {"apps", "rollback", "web", "0", "--env", "lab"},
                {"apps", "rollback", "web", "-1", "--env", "lab"},
                {"apps", "rollback", "web", "one", "--env", "lab"},
                {"apps", "rollback", "web", "--env", "lab"},
                {"apps", "status", "web"},
                {"apps", "status", "WEB", "--env", "lab"},
                {"apps", "status", "web", "--env", "lab", "-o", "wide"},
                {"apps", "history", "web", "--env", ""},
                {"apps", "list", "-o", "table"},
                {"apps", "uninstall", "web", "--env", "lab"},
                {"get", "runs", "--app", "Web"},
        };
        for (String[] args : bad) {
            TestCli.Result r = cli.run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r);
            assertTrue(r.err().startsWith("error: "), r.err());
        }
        assertTrue(labd.requests.isEmpty(), "nothing is sent: " + labd.requests);
        TestCli.Result r = cli.run("apps", "rollback", "web", "one", "--env", "lab");
        assertTrue(r.err().contains("REVISION 'one' is not a revision number"), r.err());
        r = cli.run("apps", "install", "web", "--env", "lab", "-f", empty.toString());
        assertTrue(r.err().contains("password has no value"), r.err());
        r = cli.run("apps", "install", "web", "--env", "lab", "--version", "1.0/0");
        assertTrue(r.err().startsWith("error: --version '1.0/0' is not a version such as 1.0.0"), r.err());
        r = cli.run("apps", "install", "Web", "--env", "lab");
        assertTrue(r.err().contains("app name 'Web' is not valid"), r.err());
        r = cli.run("apps", "install", "web", "--env", "Lab!");
        assertTrue(r.err().contains("--env 'Lab!' is not valid"), r.err());
    }

    @Test
    void uninstallWithoutATerminalNeedsYes() throws Exception {
        TestCli.Result r = cli.run("apps", "uninstall", "web", "--env", "lab");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("uninstall asks before it changes anything, and stdin is not a terminal: run it in"
                + " one, or pass --yes"), r.err());
        assertTrue(labd.requests.isEmpty(), labd.requests.toString());

        runs("uninstall", run(PulumiRun.UNINSTALL, PulumiRun.SUCCEEDED, Map.of("delete", 2), null, null));
        r = cli.run("apps", "uninstall", "web", "--env", "lab", "--yes");
        assertEquals(0, r.code(), r.toString());
        assertEquals(new AppRequest("lab", null, null, null, null, null, false),
                Json.json().readValue(last("POST", "/api/v1/apps/web/uninstall").body(), AppRequest.class));
        assertTrue(r.out().endsWith("Done: 2 deleted.\n"), r.out());
    }

    @Test
    void uninstallAsksOnATerminalAndOnlyYesAgrees() throws Exception {
        labd.on("GET", "/api/v1/apps/web", 200, release());
        runs("uninstall", run(PulumiRun.UNINSTALL, PulumiRun.SUCCEEDED, Map.of("delete", 2), null, null));
        cli.stdinIsTerminal = true;
        cli.stdin = new ByteArrayInputStream("y\n".getBytes(StandardCharsets.UTF_8));
        TestCli.Result r = cli.run("apps", "uninstall", "web", "--env", "lab");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("Uninstall app web (revision 2, version 1.0.0, 3 resources) from lab, destroying"
                + " every resource it deployed? Only 'yes' is accepted: "), r.err());
        assertTrue(r.err().contains("Uninstall declined: nothing was changed."), r.err());
        assertFalse(posted(), labd.requests.toString());
        assertEquals("env=lab", last("GET", "/api/v1/apps/web").query());

        cli.stdin = new ByteArrayInputStream("yes\n".getBytes(StandardCharsets.UTF_8));
        r = cli.run("apps", "uninstall", "web", "--env", "lab");
        assertEquals(0, r.code(), r.toString());
        assertTrue(posted());

        // destroy without read there: asked without what is deployed
        labd.on("GET", "/api/v1/apps/web", 403, new ApiError("forbidden", "no permission read:baremetal:lab:*", "r"));
        cli.stdin = new ByteArrayInputStream("yes\n".getBytes(StandardCharsets.UTF_8));
        r = cli.run("apps", "uninstall", "web", "--env", "lab");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("Uninstall app web from lab, destroying every resource it deployed?"), r.err());
    }

    static AppRelease release() {
        AppRevision deployed = new AppRevision(2, "upgrade", "1.0.0", "cd".repeat(32), null, PulumiRun.SUCCEEDED,
                "r-00000000000b", "alice", A_DAY_AGO, null,
                Map.of("password", AppRevision.MASK, "storageSize", "20Gi"));
        AppRevision failed = new AppRevision(3, "upgrade", "1.1.0", "ef".repeat(32), null, PulumiRun.FAILED,
                "r-00000000000c", "bob", AN_HOUR_AGO, null, Map.of("password", AppRevision.MASK));
        return new AppRelease("web", "lab", "baremetal", null, AppRelease.FAILED, deployed, failed, 3,
                Map.of("url", "http://web.lab", "token", PulumiRun.SECRET));
    }

    @Test
    void statusDescribesTheDeployedAndTheLastRevisionWithMaskedValues() throws Exception {
        labd.on("GET", "/api/v1/apps/web", 200, release());
        TestCli.Result r = cli.run("apps", "status", "web", "--env", "lab");
        assertEquals(0, r.code(), r.toString());
        assertEquals("env=lab", last("GET", "/api/v1/apps/web").query());
        String out = r.out();
        assertTrue(out.startsWith("App:          web\nEnvironment:  lab (cloud baremetal)\n"), out);
        assertTrue(out.contains("Cluster:      - (the engine host's Kubernetes configuration)\n"), out);
        assertTrue(out.contains("Status:       failed\n"), out);
        assertTrue(out.contains("Deployed:     revision 2: upgrade of 1.0.0, 2025-05-31T12:00:00Z (24h ago) by alice,"
                + " run r-00000000000b\n"), out);
        assertTrue(out.contains("Last:         revision 3: upgrade of 1.1.0, 2025-06-01T11:00:00Z (60m ago) by bob,"
                + " run r-00000000000c, failed\n"), out);
        assertTrue(out.contains("Resources:    3\n"), out);
        assertTrue(out.contains("Outputs (2):  token: [secret]\n              url: http://web.lab\n"), out);
        assertTrue(out.contains("password: ******"), "secret values stay masked as labd sent them: " + out);
        assertTrue(out.contains("storageSize: 20Gi"), out);

        AppRevision gone = new AppRevision(4, "uninstall", "1.0.0", "ab".repeat(32), null, PulumiRun.SUCCEEDED,
                "r-00000000000d", "bob", AN_HOUR_AGO, null, Map.of());
        String uninstalled = io.labctl.cli.render.AppPrinter.status(new AppRelease("web", "lab", "baremetal", "k3s",
                AppRelease.UNINSTALLED, null, gone, null, null), TestCli.NOW);
        assertTrue(uninstalled.contains("Cluster:      k3s\n") && uninstalled.contains("Deployed:     - (uninstalled)\n")
                && uninstalled.contains("Last:         revision 4: uninstall of 1.0.0"), uninstalled);

        TestCli.Result json = cli.run("apps", "status", "web", "--env", "lab", "-o", "json");
        assertEquals(release(), Json.json().readValue(json.out(), AppRelease.class));

        labd.on("GET", "/api/v1/apps/web", 404, new ApiError("app-not-installed",
                "app web has never been installed in prod (labctl apps list shows where apps are)", "r"));
        TestCli.Result missing = cli.run("apps", "status", "web", "--env", "prod");
        assertEquals(1, missing.code(), missing.toString());
        assertTrue(missing.err().contains("error: app web has never been installed in prod"), missing.err());
    }

    @Test
    void historyListsRevisionsNewestFirstWithRollbackNotes() throws Exception {
        labd.on("GET", "/api/v1/apps/web/history", 200, List.of(
                new AppRevision(3, "rollback", "1.0.0", "ab".repeat(32), null, PulumiRun.SUCCEEDED, "r-00000000000c",
                        "bob", AN_HOUR_AGO, 1, Map.of()),
                new AppRevision(2, "upgrade", "1.1.0", "cd".repeat(32), null, PulumiRun.FAILED, "r-00000000000b",
                        "alice", A_DAY_AGO, null, Map.of()),
                new AppRevision(1, "install", "1.0.0", "ab".repeat(32), null, PulumiRun.SUCCEEDED, "r-00000000000a",
                        "alice", A_DAY_AGO.minus(Duration.ofDays(1)), null, Map.of())));
        TestCli.Result r = cli.run("apps", "history", "web", "--env", "lab");
        assertEquals(0, r.code(), r.toString());
        assertEquals("env=lab", last("GET", "/api/v1/apps/web/history").query());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of("REVISION", "KIND", "VERSION", "STATUS", "USER", "WHEN", "RUN", "NOTE"),
                List.of(lines.get(0).split("\\s+")));
        assertEquals(List.of("3", "rollback", "1.0.0", "succeeded", "bob", "60m", "r-00000000000c", "rollback", "to",
                "1"), List.of(lines.get(1).split("\\s+")));
        assertEquals(List.of("2", "upgrade", "1.1.0", "failed", "alice", "24h", "r-00000000000b", "<none>"),
                List.of(lines.get(2).split("\\s+")));
        assertEquals(4, lines.size(), r.out());
    }

    @Test
    void listShowsTheNewestVersionAndWhereTheAppIsInstalled() throws Exception {
        String longDescription = "PostgreSQL on Kubernetes with backups to object storage, point-in-time recovery and"
                + " a pooler";
        AppRevision devRev = new AppRevision(2, "upgrade", "1.0.0", "ab".repeat(32), null, PulumiRun.SUCCEEDED,
                "r-00000000000b", "alice", AN_HOUR_AGO, null, Map.of());
        AppRevision prodFirst = new AppRevision(1, "install", "1.1.0", "ab".repeat(32), null, PulumiRun.FAILED,
                "r-00000000000c", "alice", AN_HOUR_AGO, null, Map.of());
        AppRevision gone = new AppRevision(4, "uninstall", "1.0.0", "ab".repeat(32), null, PulumiRun.SUCCEEDED,
                "r-00000000000d", "alice", AN_HOUR_AGO, null, Map.of());
        labd.on("GET", "/api/v1/apps", 200, List.of(
                new AppSummary("postgresql", longDescription, List.of("1.1.0", "1.0.0"), List.of(
                        new AppRelease("postgresql", "dev", "c", null, AppRelease.DEPLOYED, devRev, devRev, 3, null),
                        new AppRelease("postgresql", "prod", "c", null, AppRelease.FAILED, null, prodFirst, null, null),
                        new AppRelease("postgresql", "qa", "c", null, AppRelease.UNINSTALLED, null, gone, null, null))),
                new AppSummary("bastion", "SSH bastion", List.of("0.1.0"), List.of())));
        TestCli.Result r = cli.run("apps", "list");
        assertEquals(0, r.code(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).matches("NAME +LATEST +INSTALLED +DESCRIPTION"), lines.get(0));
        assertTrue(lines.get(1).startsWith("postgresql   1.1.0    dev@1.0.0 (rev 2, deployed), prod@1.1.0 (rev 1,"
                + " failed)   PostgreSQL on Kubernetes"), lines.get(1));
        assertTrue(lines.get(1).endsWith("..."), "cut: " + lines.get(1));
        assertFalse(lines.get(1).contains("qa@"), "an uninstalled app is not installed there");
        assertTrue(lines.get(2).matches("bastion +0\\.1\\.0 +- +SSH bastion"), lines.get(2));
        assertTrue(cli.run("apps", "list", "-o", "wide").out().contains(longDescription));
        assertEquals("postgresql\nbastion\n", cli.run("apps", "list", "-o", "name").out());
        assertEquals(2, Json.json().readTree(cli.run("apps", "list", "-o", "json").out()).size());

        labd.on("GET", "/api/v1/apps", 200, List.of());
        TestCli.Result none = cli.run("apps", "list");
        assertEquals(0, none.code());
        assertTrue(none.err().contains("No apps found"), none.err());
    }

    @Test
    void getRunsFiltersByApp() {
        labd.on("GET", "/api/v1/runs", 200, List.of(run(PulumiRun.INSTALL, PulumiRun.SUCCEEDED, Map.of("create", 2),
                null, null)));
        TestCli.Result r = cli.run("get", "runs", "--app", "web", "--env", "lab");
        assertEquals(0, r.code(), r.toString());
        assertEquals("limit=100&env=lab&app=web", last("GET", "/api/v1/runs").query());
    }

    /** plan and apply follow their runs through the same code as the apps verbs (EngineVerb): unchanged for them. */
    @Test
    void planAndApplyStillFollowAndAskAsBefore(@TempDir Path dir) throws Exception {
        Path program = Files.writeString(dir.resolve("web.yaml"), "name: web\nruntime: yaml\n");
        PulumiRun planned = new PulumiRun(RUN, PulumiRun.PLAN, "lab", "baremetal", "web", "web/lab", "alice", "web.yaml",
                "ab".repeat(32), PulumiRun.SUCCEEDED, AN_HOUR_AGO, TestCli.NOW, Map.of("create", 3), null, null, null,
                null);
        labd.on("POST", "/api/v1/runs", 201, new PulumiRun(RUN, PulumiRun.PLAN, "lab", "baremetal", "web", "web/lab",
                "alice", "web.yaml", "ab".repeat(32), PulumiRun.RUNNING, AN_HOUR_AGO, null, null, null, null, null, null));
        labd.onLines("GET", "/api/v1/runs/" + RUN + "/log", new RunLine(1, "[labd] plan of web.yaml"));
        labd.on("GET", "/api/v1/runs/" + RUN, 200, planned);
        TestCli.Result r = cli.run("plan", "-f", program.toString(), "--env", "lab");
        assertEquals(0, r.code(), r.toString());
        assertEquals("Run " + RUN + ": plan of stack web/lab (labctl logs pulumi/" + RUN + ")\n[labd] plan of web.yaml\n"
                + "Plan: 3 to create.\n", r.out());
        assertEquals(2, cli.run("apply", "-f", program.toString(), "--env", "lab").code(), "no terminal, no --yes");
        assertEquals(2, cli.run("plan", "-f", program.toString(), "--env", "Lab!").code());
        cli.stdinIsTerminal = true;
        cli.stdin = new ByteArrayInputStream("no\n".getBytes(StandardCharsets.UTF_8));
        TestCli.Result declined = cli.run("apply", "-f", program.toString(), "--env", "lab");
        assertEquals(1, declined.code(), declined.toString());
        assertTrue(declined.err().contains("Apply these changes to stack web/lab? Only 'yes' is accepted: Apply declined:"
                + " nothing was changed."), declined.err());
        assertEquals(2, labd.requests.stream().filter(q -> q.method().equals("POST")).count(), "two plans, no apply");
    }

    @Test
    void helpListsTheVerbsWithExamples() {
        TestCli.Result r = cli.run("apps", "--help");
        assertEquals(0, r.code(), r.toString());
        for (String verb : List.of("list", "install", "status", "upgrade", "history", "rollback", "uninstall")) {
            assertTrue(r.out().contains("\n  " + verb), verb + " in " + r.out());
            TestCli.Result sub = cli.run("apps", verb, "--help");
            assertEquals(0, sub.code(), sub.toString());
            assertTrue(sub.out().contains("Examples:\n  labctl apps " + verb), sub.out());
        }
        assertTrue(cli.run("--help").out().contains("apps"));
        assertTrue(cli.run("apps", "install", "-h").out().contains("--version=VERSION"), "--version is the app's");
    }
}
