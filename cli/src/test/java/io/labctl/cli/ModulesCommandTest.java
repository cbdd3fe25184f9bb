package io.labctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.testsupport.TestCli;
import io.labctl.cli.testsupport.TestLabd;
import io.labctl.cli.testsupport.TestPki;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.Json;
import io.labctl.protocol.modules.ApplyRequest;
import io.labctl.protocol.modules.AssignmentRevision;
import io.labctl.protocol.modules.ModuleDescriptor;
import io.labctl.protocol.modules.ModuleDetail;
import io.labctl.protocol.modules.ModuleReport;
import io.labctl.protocol.modules.ModuleRun;
import io.labctl.protocol.modules.ModuleSummary;
import io.labctl.protocol.modules.ResourceResult;
import io.labctl.protocol.modules.ServerModuleStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** labctl modules, describe module/server, logs module and the MODULES column against a stand-in labd over mutual TLS. */
class ModulesCommandTest {
    private static final Instant AN_HOUR_AGO = TestCli.NOW.minus(Duration.ofHours(1));

    @TempDir
    Path home;
    TestLabd labd;
    TestCli cli;

    @BeforeEach
    void start() throws Exception {
        labd = new TestLabd(TestPki.get());
        cli = new TestCli(home).withContext(TestPki.get(), labd.url());
        labd.on("GET", "/api/v1/modules/web", 200, detail());
    }

    @AfterEach
    void stop() {
        labd.close();
    }

    static ModuleDetail detail() {
        LinkedHashMap<String, ModuleDescriptor.InputSpec> inputs = new LinkedHashMap<>();
        inputs.put("port", new ModuleDescriptor.InputSpec("integer", 80, "listen port", false, false));
        inputs.put("token", new ModuleDescriptor.InputSpec("string", "default-secret", "API token", true, false));
        ModuleDescriptor d = new ModuleDescriptor("web", "1.1.0", "a web server",
                new ModuleDescriptor.Targets(List.of("worker"), "os=debian"),
                List.of(new ModuleDescriptor.Dependency("lab-agent", "[1.0,2)")), inputs);
        return new ModuleDetail(new ModuleSummary("web", "1.1.0", List.of("1.0.0", "1.1.0"), "a web server", 1), d,
                List.of(new AssignmentRevision(1, "web", "1.0.0", "role=worker", Map.of("port", "8080", "token", "******"),
                        false, "apply", "alice", AN_HOUR_AGO)));
    }

    private String stream() throws Exception {
        try (var in = getClass().getResourceAsStream("/modules/apply-stream.ndjson")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private TestLabd.Recorded last(String method, String path) {
        return labd.requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no " + method + " " + path + " in " + labd.requests));
    }

    @Test
    void applySendsTheRequestAndRendersTheStream(@TempDir Path dir) throws Exception {
        labd.on("POST", "/api/v1/modules/web/apply", 200, stream());
        Path values = dir.resolve("values.yaml");
        Files.writeString(values, "port: 9090\ntoken: from-file-s3cret\n");
        TestCli.Result r = cli.run("modules", "apply", "web@1.0.0", "-l", "role=worker,cpus>=2", "-f", values.toString(),
                "--set", "token=s3cret=with=equals", "--batch", "25%", "--max-failures", "2", "--enforce");
        assertEquals(1, r.code(), "web-2 failed: " + r);
        ApplyRequest sent = Json.json().readValue(last("POST", "/api/v1/modules/web/apply").body(), ApplyRequest.class);
        assertEquals(new ApplyRequest("1.0.0", "role=worker,cpus>=2", Map.of("port", "9090", "token", "s3cret=with=equals"),
                false, "25%", 2, true), sent);
        assertTrue(r.out().contains("web-2  changed 0, failed 1, skipped 1, unchanged 1\n"
                + "  ! file:/etc/web.conf  failed: cannot write /etc/web.conf: read-only file system\n"), r.out());
        assertTrue(r.out().contains("Denied (no permission):\n  db-1: no permission apply:baremetal:prod:db-1\n"), r.out());
        assertTrue(r.out().endsWith("1 denied, 1 excluded\n"), r.out());
        assertTrue(r.err().contains("Applying web@1.0.0 on servers matching role=worker,cpus>=2 with port=9090,token=******"), r.err());
        assertFalse((r.out() + r.err()).contains("s3cret"), "a secret input is never echoed: " + r);
    }

    @Test
    void allConvergedExitsZeroAndDryRunIsSent() throws Exception {
        String converged = stream().lines().filter(l -> !l.contains("\"web-2\"") && !l.contains("\"denied\""))
                .reduce("", (a, b) -> a + b + "\n");
        labd.on("POST", "/api/v1/modules/web/apply", 200, converged);
        TestCli.Result r = cli.run("modules", "apply", "web", "-l", "role=worker", "--dry-run");
        assertEquals(0, r.code(), r.toString());
        ApplyRequest sent = Json.json().readValue(last("POST", "/api/v1/modules/web/apply").body(), ApplyRequest.class);
        assertTrue(sent.dryRun());
        assertNull(sent.version(), "no @VERSION: labd takes the newest");
        assertTrue(r.err().startsWith("Planning web on servers matching role=worker\n"), r.err());
        TestCli.Result json = cli.run("modules", "apply", "web", "-l", "role=worker", "-o", "json");
        assertEquals(0, json.code(), json.toString());
        assertEquals(converged, json.out());
    }

    @Test
    void labdsRefusalOfTheWholeApplyIsExitOneWithItsMessage() {
        labd.on("POST", "/api/v1/modules/web/apply", 400,
                new ApiError("invalid-inputs", "inputs of web are not valid: port: not an integer; colour: unknown input", "r"));
        TestCli.Result r = cli.run("modules", "apply", "web", "-l", "role=worker", "--set", "port=eighty", "--set", "colour=red");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("error: inputs of web are not valid: port: not an integer; colour: unknown input"), r.err());
    }

    @Test
    void usageErrorsAreExitTwoAndNothingIsSent() {
        String[][] bad = {
                {"modules", "apply", "web", "-l", "role=worker", "--set", "a=1", "--set", "a=2"},
                {"modules", "apply", "web", "-l", "role=worker", "--set", "novalue"},
                {"modules", "apply", "web", "-l", "role=worker", "--batch", "0"},
                {"modules", "apply", "web", "-l", "role=worker", "--batch", "120%"},
                {"modules", "apply", "web", "-l", "role=worker", "--max-failures", "-1"},
                {"modules", "apply", "web", "-l", "memory>=8G"},
                {"modules", "apply", "web", "-l", ""},
                {"modules", "apply", "web"},
                {"modules", "apply", "Web", "-l", "role=worker"},
                {"modules", "apply", "web@", "-l", "role=worker"},
                {"modules", "apply", "web", "-l", "role=worker", "-f", "/nonexistent/values.yaml"},
                {"modules", "rollback", "web", "one"},
                {"modules", "remove", "web"},
                {"modules", "status", "-o", "table"},
                {"modules", "list", "-o", "wide"},
                {"modules"},
        };
        for (String[] args : bad) {
            TestCli.Result r = cli.run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r);
            assertTrue(r.err().startsWith("error: "), r.err());
        }
        assertTrue(labd.requests.stream().noneMatch(q -> q.method().equals("POST")), labd.requests.toString());
    }

    @Test
    void rollbackAndRemoveUseTheirPaths() throws Exception {
        labd.on("POST", "/api/v1/modules/web/rollback", 200, stream());
        TestCli.Result r = cli.run("modules", "rollback", "web", "1", "--batch", "1");
        assertEquals(1, r.code(), r.toString());
        TestLabd.Recorded q = last("POST", "/api/v1/modules/web/rollback");
        assertEquals("revision=1", q.query());
        assertEquals("1", Json.json().readValue(q.body(), ApplyRequest.class).batch());

        labd.on("POST", "/api/v1/modules/web/remove", 200, "{\"type\":\"result\",\"server\":\"web-1\",\"report\":{\"server\":\"web-1\","
                + "\"action\":\"remove\",\"resources\":[{\"id\":\"file:/etc/web.conf\",\"status\":\"changed\",\"diff\":\"removed\"}],"
                + "\"changed\":1},\"done\":1,\"total\":1}\n{\"type\":\"summary\",\"message\":\"removed from 1\",\"done\":1,\"total\":1}\n");
        r = cli.run("modules", "remove", "web", "-l", "name=web-1");
        assertEquals(0, r.code(), r.toString());
        assertEquals("name=web-1", Json.json().readValue(last("POST", "/api/v1/modules/web/remove").body(), ApplyRequest.class).selector());
        assertTrue(r.out().contains("  ~ file:/etc/web.conf  changed\n      removed\n"), r.out());
    }

    @Test
    void listHistoryAndStatus() throws Exception {
        labd.on("GET", "/api/v1/modules", 200, List.of(detail().summary()));
        TestCli.Result r = cli.run("modules", "list");
        assertEquals(0, r.code(), r.toString());
        assertEquals("NAME   NEWEST   VERSIONS      ASSIGNMENTS   DESCRIPTION\n"
                + "web    1.1.0    1.0.0,1.1.0   1             a web server\n", r.out());
        assertEquals(List.of(detail().summary()), Json.json().readValue(cli.run("modules", "list", "-o", "json").out(),
                new com.fasterxml.jackson.core.type.TypeReference<List<ModuleSummary>>() {}));
        assertEquals("web\n", cli.run("modules", "list", "-o", "name").out(), "one name a line, for completion");

        labd.on("GET", "/api/v1/modules/web/history", 200, detail().revisions());
        r = cli.run("modules", "history", "web");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("1          apply    1.0.0     role=worker   no        port=8080,token=******   alice   60m"), r.out());

        // labd matches the selector and re-plans only its servers: one request, the selector passed on
        labd.on("GET", "/api/v1/modules/status", 200, statuses().stream().filter(s -> s.server().equals("web-1")).toList());
        r = cli.run("modules", "status", "web", "--refresh", "-l", "os=debian");
        assertEquals(0, r.code(), r.toString());
        assertEquals("module=web&selector=os%3Ddebian&refresh=true", last("GET", "/api/v1/modules/status").query());
        assertTrue(r.out().contains("web-1    web      1.1.0     2          drifted"), r.out());
        assertEquals(2, cli.run("modules", "status", "-l", "os=debian,").code(), "a half-parsed selector is refused");
        assertEquals(2, cli.run("modules", "status", "-l", "").code(), "an empty selector is refused, not all servers");
        r = cli.run("modules", "status", "-o", "wide");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("SERVER   MODULE   VERSION   REVISION   STATE       RUN     LAST-RUN"), r.out());
        assertTrue(r.out().contains("web-1    web      1.1.0     2          drifted     run-7   60m"), r.out());
    }

    static List<ServerModuleStatus> statuses() {
        return List.of(
                new ServerModuleStatus("web-1", "web", "1.1.0", 2, "drifted", "run-7", AN_HOUR_AGO, AN_HOUR_AGO, "file:/etc/web.conf"),
                new ServerModuleStatus("web-1", "base", "1.0.0", 1, "converged", "run-3", AN_HOUR_AGO, AN_HOUR_AGO, null),
                new ServerModuleStatus("db-1", "web", "1.1.0", 2, "failed", "run-8", AN_HOUR_AGO, AN_HOUR_AGO, "boom"));
    }

    @Test
    void describeModuleShowsInputsWithoutSecretDefaults() {
        TestCli.Result r = cli.run("describe", "module/web");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("Name:            web\nDescription:     a web server\nNewest Version:  1.1.0\n"), r.out());
        assertTrue(r.out().contains("  NAME    TYPE      DEFAULT   REQUIRED   SECRET   DESCRIPTION\n"
                + "  port    integer   80        no         no       listen port\n"
                + "  token   string    ******    no         yes      API token\n"), r.out());
        assertTrue(r.out().contains("Requires:        lab-agent [1.0,2)\n"), r.out());
        assertFalse(r.out().contains("default-secret"), r.out());
    }

    @Test
    void wideServersHaveAModulesColumnFromOneCall() {
        labd.on("GET", "/api/v1/servers", 200, Samples.servers());
        labd.on("GET", "/api/v1/modules/status", 200, statuses());
        TestCli.Result r = cli.run("get", "servers", "-o", "wide");
        assertEquals(0, r.code(), r.toString());
        String[] lines = r.out().split("\n");
        assertTrue(lines[1].matches("web-1 .* 1 ok, 1 drifted +rack=r1,zone=a"), lines[1]);
        assertTrue(lines[2].matches("db-1 .* 1 failed +<none>"), lines[2]);
        assertEquals(1, labd.requests.stream().filter(q -> q.path().equals("/api/v1/modules/status")).count());
        // the plain table makes no call for it
        cli.run("get", "servers");
        assertEquals(1, labd.requests.stream().filter(q -> q.path().equals("/api/v1/modules/status")).count());
    }

    @Test
    void withoutTheModulesCapabilityTheColumnShowsADashAndDescribeSaysSo() {
        labd.on("GET", "/api/v1/servers", 200, Samples.servers());
        labd.on("GET", "/api/v1/servers/web-1", 200, Samples.web1());
        TestCli.Result r = cli.run("get", "servers", "-o", "wide");  // the stand-in answers 404 for the status path
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().split("\n")[1].matches("web-1 .*0\\.1\\.0 +- +- +rack=r1,zone=a"), r.out());
        r = cli.run("describe", "server/web-1");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().endsWith("Modules:\n  <modules capability not installed in labd>\n"), r.out());
    }

    @Test
    void describeServerListsItsModules() {
        labd.on("GET", "/api/v1/servers/web-1", 200, Samples.web1());
        labd.on("GET", "/api/v1/modules/status", 200, statuses().subList(0, 2));
        TestCli.Result r = cli.run("describe", "server/web-1");
        assertEquals(0, r.code(), r.toString());
        assertEquals("server=web-1", last("GET", "/api/v1/modules/status").query());
        assertTrue(r.out().contains("Modules:\n  MODULE   VERSION   REVISION   STATE       LAST-RUN   DETAIL\n"
                + "  web      1.1.0     2          drifted     60m        file:/etc/web.conf\n"
                + "  base     1.0.0     1          converged   60m        <none>\n"), r.out());
    }

    @Test
    void logsOfAModuleRunShowEveryResource() throws Exception {
        ModuleReport report = new ModuleReport("web-1", "web", "1.1.0", "apply", "run-7", List.of(
                new ResourceResult("file:/etc/web.conf", "changed", "-port=80\n+port=8080", null),
                new ResourceResult("package:nginx", "unchanged", null, null),
                new ResourceResult("service:nginx", "failed", null, "unit nginx.service not found")),
                1, 1, 0, 1, "unhealthy: nginx down", AN_HOUR_AGO, AN_HOUR_AGO.plusSeconds(3));
        labd.on("GET", "/api/v1/modules/runs/run-7", 200, new ModuleRun("run-7", "web-1", "web", "1.1.0", 2, "apply",
                "failed", "labd", AN_HOUR_AGO, AN_HOUR_AGO.plusSeconds(3), report));
        TestCli.Result r = cli.run("logs", "module/run-7");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("Run:       run-7\nServer:    web-1\nModule:    web@1.1.0\nRevision:  2\n"), r.out());
        assertTrue(r.out().endsWith("Resources:\n"
                + "  ~ file:/etc/web.conf  changed\n      -port=80\n      +port=8080\n"
                + "  = package:nginx  unchanged\n"
                + "  ! service:nginx  failed: unit nginx.service not found\n"), r.out());
        assertTrue(r.out().contains("Health:    unhealthy: nginx down\n"), r.out());
        TestCli.Result y = cli.run("logs", "module", "run-7", "-o", "yaml");
        assertEquals(0, y.code(), y.toString());
        assertEquals("run-7", Json.yaml().readValue(y.out(), ModuleRun.class).id());
        assertEquals(2, cli.run("logs", "module/bad id").code());
    }

    @Test
    void everyVerbHasHelpWithExamples() {
        TestCli.Result top = cli.run("modules", "--help");
        assertEquals(0, top.code(), top.toString());
        assertEquals("", top.err(), "help formats cleanly");
        for (String verb : new String[] {"list", "apply", "status", "history", "rollback", "remove"}) {
            TestCli.Result r = cli.run("modules", verb, "--help");
            assertEquals(0, r.code(), verb + ": " + r);
            assertEquals("", r.err(), verb + " help formats cleanly");
            String examples = r.out().substring(r.out().indexOf("Examples:\n"));
            assertTrue(examples.contains("  labctl modules " + verb + " "), verb + ": " + r.out());
        }
    }
}
