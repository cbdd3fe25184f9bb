package io.labctl.cli.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.CliException;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.render.ModulePrinter;
import io.labctl.protocol.modules.ModuleSummary;
import io.labctl.protocol.modules.ServerModuleStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The apply event stream as labctl renders it, and the input values it sends. */
class ModulesRenderingTest {
    static List<String> recordedStream() throws IOException {
        try (InputStream in = ModulesRenderingTest.class.getResourceAsStream("/modules/apply-stream.ndjson")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private ApplyOutput output(boolean progress, boolean json) {
        return new ApplyOutput(new PrintWriter(out, true), new PrintWriter(err, true), progress, json);
    }

    @Test
    void perServerResultsThenDeniedExcludedAndSummary() throws Exception {
        ApplyOutput o = output(false, false);
        recordedStream().forEach(o::line);
        assertEquals(ExitCodes.REFUSED, o.finish(), "web-2 failed and db-1 was denied");
        String expected = ""
                + "web-1  changed 2, unchanged 1, healthy\n"
                + "  ~ file:/etc/web.conf  changed\n"
                + "      --- /etc/web.conf\n"
                + "      +++ /etc/web.conf\n"
                + "      -port=80\n"
                + "      +port=8080\n"
                + "  ~ service:nginx  changed\n"
                + "      restarted (file:/etc/web.conf changed)\n"
                + "web-2  changed 0, failed 1, skipped 1, unchanged 1\n"
                + "  ! file:/etc/web.conf  failed: cannot write /etc/web.conf: read-only file system\n"
                + "  - service:nginx  skipped: not applied: file:/etc/web.conf failed\n"
                + "web-3  changed 0, unchanged 1, healthy\n"
                + "Denied (no permission):\n"
                + "  db-1: no permission apply:baremetal:prod:db-1\n"
                + "Excluded:\n"
                + "  web-9: offline\n"
                + "web@1.0.0 revision 2: 3 targets, 1 changed, 1 failed, 1 unchanged; 1 denied, 1 excluded\n";
        assertEquals(expected, out.toString());
        assertEquals("", err.toString(), "no progress line when nobody watches");
    }

    @Test
    void progressLineIsRewrittenInPlaceAndClearedBeforeOutput() throws Exception {
        ApplyOutput o = output(true, false);
        recordedStream().forEach(o::line);
        o.finish();
        String e = err.toString();
        assertTrue(e.contains("\r[1/3] web-1 changed 2\033[K"), e);
        assertTrue(e.contains("\r[2/3] web-2 changed 0"), e);
        assertTrue(e.contains("\r[3/3] web-3 changed 0"), e);
        assertTrue(e.endsWith("\r\033[K"), "the line is cleared at the end: " + e);
        assertFalse(out.toString().contains("\r"), "stdout stays clean for pipes");
    }

    @Test
    void allConvergedIsExitZero() throws Exception {
        ApplyOutput o = output(false, false);
        recordedStream().stream().filter(l -> !l.contains("\"web-2\"") && !l.contains("\"denied\"")).forEach(o::line);
        assertEquals(ExitCodes.OK, o.finish());
    }

    @Test
    void aPlanSaysWouldChange() {
        ApplyOutput o = output(false, false);
        o.line("{\"type\":\"result\",\"server\":\"web-1\",\"report\":{\"server\":\"web-1\",\"action\":\"plan\",\"resources\":"
                + "[{\"id\":\"file:/x\",\"status\":\"changed\",\"diff\":\"mode 0644 -> 0600\"}],\"changed\":1,\"unchanged\":0},"
                + "\"done\":1,\"total\":1}");
        o.line("{\"type\":\"summary\",\"message\":\"plan: 1 would change\",\"done\":1,\"total\":1}");
        assertEquals(ExitCodes.OK, o.finish());
        assertTrue(out.toString().startsWith("web-1  would change 1, unchanged 0\n  ~ file:/x  changed\n      mode 0644 -> 0600\n"), out.toString());
    }

    @Test
    void jsonPassesEventsThroughAndKeepsTheExitCode() throws Exception {
        ApplyOutput o = output(true, true);
        List<String> lines = recordedStream();
        lines.forEach(o::line);
        assertEquals(ExitCodes.REFUSED, o.finish());
        assertEquals(String.join("\n", lines) + "\n", out.toString());
        assertEquals("", err.toString());
    }

    @Test
    void aStreamThatEndsBeforeItsSummaryIsNotSuccess() throws Exception {
        ApplyOutput o = output(false, false);
        recordedStream().stream().limit(6).forEach(o::line);
        CliException e = assertThrows(CliException.class, o::finish);
        assertEquals(ExitCodes.UNREACHABLE, e.exitCode());
        assertTrue(e.getMessage().contains("before its summary"), e.getMessage());
    }

    @Test
    void aResultWithoutReportCountsAsFailed() {
        ApplyOutput o = output(false, false);
        o.line("{\"type\":\"result\",\"server\":\"web-4\",\"message\":\"module-unavailable: fetch failed\",\"done\":1,\"total\":1}");
        o.line("{\"type\":\"summary\",\"message\":\"1 failed\",\"done\":1,\"total\":1}");
        assertEquals(ExitCodes.REFUSED, o.finish());
        assertTrue(out.toString().startsWith("web-4  failed: module-unavailable: fetch failed\n"), out.toString());
    }

    @Test
    void targetsNotRunAfterMaxFailuresAdvanceTheProgressAndAreListed() {
        ApplyOutput o = output(true, false);
        o.line("{\"type\":\"excluded\",\"server\":\"web-5\",\"message\":\"not run: 1 server(s) failed\",\"done\":2,\"total\":2}");
        o.line("{\"type\":\"summary\",\"message\":\"stopped\",\"done\":2,\"total\":2}");
        assertEquals(ExitCodes.OK, o.finish(), "excluded servers alone do not fail the command");
        assertTrue(err.toString().contains("\r[2/2] web-5 excluded"), err.toString());
        assertEquals("Excluded:\n  web-5: not run: 1 server(s) failed\nstopped\n", out.toString());
    }

    @Test
    void garbageIsAProtocolError() {
        CliException e = assertThrows(CliException.class, () -> output(false, false).line("<html>"));
        assertEquals(ExitCodes.UNREACHABLE, e.exitCode());
    }

    @Test
    void setValuesMayContainEqualsAndEachKeyIsGivenOnce() {
        assertEquals(Map.of("url", "http://x/?a=b", "empty", ""), InputValues.sets(List.of("url=http://x/?a=b", "empty=")));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> InputValues.sets(List.of("token=a", "port=1", "token=b")));
        assertTrue(twice.getMessage().contains("token is given twice"), twice.getMessage());
        assertFalse(twice.getMessage().contains("=a") || twice.getMessage().contains("=b"), "values are not echoed");
        assertThrows(IllegalArgumentException.class, () -> InputValues.sets(List.of("novalue")));
        IllegalArgumentException noKey = assertThrows(IllegalArgumentException.class, () -> InputValues.sets(List.of("=s3cret")));
        assertFalse(noKey.getMessage().contains("s3cret"), noKey.getMessage());
    }

    @Test
    void valuesFileIsAFlatMapAndSetWins(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("values.yaml");
        Files.writeString(file, "port: 6443\nenabled: true\nflags: [--a, --b]\ntoken: from-file\n");
        Map<String, String> values = InputValues.of(file, List.of("token=from-set"));
        assertEquals(Map.of("port", "6443", "enabled", "true", "flags", "--a,--b", "token", "from-set"), values);

        Files.writeString(file, "port: 1\nnested: {a: 1}\nlist: [{a: 1}]\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InputValues.of(file, List.of()));
        assertTrue(e.getMessage().contains("nested, list are not a value"), e.getMessage());
        Files.writeString(file, "- a\n- b\n");
        assertThrows(IllegalArgumentException.class, () -> InputValues.of(file, List.of()));
        e = assertThrows(IllegalArgumentException.class, () -> InputValues.of(dir.resolve("missing.yaml"), List.of()));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
        Files.writeString(file, "");
        assertEquals(Map.of(), InputValues.of(file, List.of()));
    }

    @Test
    void appValuesFilesKeepTheirStructureAndALaterFileWinsPerInput(@TempDir Path dir) throws Exception {
        Path base = Files.writeString(dir.resolve("base.yaml"), "replicas: 2\nresources: {cpu: 500m, memory: 1Gi}\n"
                + "tls: true\n");
        Path over = Files.writeString(dir.resolve("over.yaml"), "resources: {cpu: 1}\npassword: s3cret\n");
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "");
        assertEquals(Map.of("replicas", 2, "resources", Map.of("cpu", 1), "tls", true, "password", "s3cret"),
                InputValues.structured(List.of(base, empty, over)), "an input is one value: an object is replaced whole");
        assertEquals(Map.of(), InputValues.structured(List.of()));

        Path anchors = Files.writeString(dir.resolve("anchors.yaml"), "a: &x 1\nb: *x\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InputValues.structured(List.of(anchors)));
        assertTrue(e.getMessage().startsWith("-f " + anchors + " uses YAML anchors"), e.getMessage());
        Path twice = Files.writeString(dir.resolve("twice.yaml"), "password: a\npassword: s3cret\n");
        e = assertThrows(IllegalArgumentException.class, () -> InputValues.structured(List.of(twice)));
        assertTrue(e.getMessage().contains("duplicate key") && !e.getMessage().contains("s3cret"), e.getMessage());
        Path nulls = Files.writeString(dir.resolve("nulls.yaml"), "password: ~\nport: null\nok: 1\n");
        e = assertThrows(IllegalArgumentException.class, () -> InputValues.structured(List.of(nulls)));
        assertEquals("-f " + nulls + ": password, port have no value; give one or leave the key out", e.getMessage());
        Path list = Files.writeString(dir.resolve("list.yaml"), "- a\n");
        e = assertThrows(IllegalArgumentException.class, () -> InputValues.structured(List.of(base, list)));
        assertTrue(e.getMessage().contains(list + " must hold a map"), e.getMessage());
    }

    @Test
    void secretsAreMaskedWhenShown() {
        assertEquals(Map.of("port", "6443", "token", "******"),
                InputValues.masked(Map.of("port", "6443", "token", "s3cret"), Set.of("token")));
    }

    @Test
    void modulesColumnCountsStatesPerServer() {
        Instant t = Instant.parse("2025-06-01T12:00:00Z");
        List<ServerModuleStatus> s = List.of(
                new ServerModuleStatus("web-1", "a", "1.0.0", 1, "converged", "r1", t, t, null),
                new ServerModuleStatus("web-1", "b", "1.0.0", 1, "drifted", "r2", t, t, "file:/x"),
                new ServerModuleStatus("web-1", "c", "1.0.0", 1, "converged", "r3", t, t, null),
                new ServerModuleStatus("web-1", "d", "1.0.0", 1, "converged", "r4", t, t, null),
                new ServerModuleStatus("web-2", "a", "1.0.0", 1, "pending", null, null, null, null),
                new ServerModuleStatus("web-2", "b", "1.0.0", 1, "failed", "r5", t, t, "boom"));
        assertEquals(Map.of("web-1", "3 ok, 1 drifted", "web-2", "1 failed, 1 pending"), ModulePrinter.perServer(s));
    }
    @Test
    void aLongDescriptionIsCutAtAWordInTheListAndAShortOneIsShownWhole() {
        String prose = "lab-agent's configuration file (etc/io.labctl.agent.cfg under installDir) and its systemd unit"
                + " lab-agent.service, enabled and running";
        String table = ModulePrinter.list(List.of(new ModuleSummary("lab-agent", "1.0.0", List.of("1.0.0"), prose, 0),
                new ModuleSummary("web", "1.0.0", List.of("1.0.0"), "a web server", 1)));
        String row = table.lines().filter(l -> l.startsWith("lab-agent")).findFirst().orElseThrow();
        String shown = row.substring(row.indexOf("lab-agent's"));
        assertTrue(shown.endsWith("...") && shown.length() <= 60, shown);
        assertTrue(prose.startsWith(shown.substring(0, shown.length() - 3)), "cut, not changed: " + shown);
        assertFalse(shown.contains("(etc/io.labctl.agent.cfg under installDir) and"), "cut before the width: " + shown);
        assertTrue(table.contains("a web server\n"), table);
    }
}

