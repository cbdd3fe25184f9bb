package io.labctl.agent.logs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.labctl.protocol.logs.LogsRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JournalArgumentsTest {
    private static final List<String> FIXED = List.of("journalctl", "--no-pager", "-o", "export");

    static Stream<Arguments> table() {
        return Stream.of(
                row("no filters: the last 200", params(), "", List.of("-n", "200")),
                row("a line count", params("lines", 5), "", List.of("-n", "5")),
                row("zero lines (follow only new)", params("lines", 0, "follow", true), "",
                        List.of("-n", "0", "-f")),
                row("since alone: no line count", params("since", "2026-11-26T03:00:00Z"), "",
                        List.of("--since", "2026-11-26 03:00:00 UTC")),
                row("since and lines", params("since", "2026-11-26T03:00:00Z", "lines", 7), "",
                        List.of("-n", "7", "--since", "2026-11-26 03:00:00 UTC")),
                row("since is to the second, rounded down", params("since", "2026-11-26T03:00:59.999Z"), "",
                        List.of("--since", "2026-11-26 03:00:59 UTC")),
                row("since before the epoch", params("since", "1900-01-01T00:00:00Z"), "",
                        List.of("--since", "1970-01-01 00:00:00 UTC")),
                row("unit", params("unit", "nginx.service"), "", List.of("-n", "200", "-u", "nginx.service")),
                row("template unit with escapes", params("unit", "getty@tty1.service"), "",
                        List.of("-n", "200", "-u", "getty@tty1.service")),
                row("a unit that looks like an option stays the value of -u", params("unit", "--help"), "",
                        List.of("-n", "200", "-u", "--help")),
                row("priority, lower-cased", params("priority", "ERR"), "", List.of("-n", "200", "-p", "err")),
                row("numeric priority", params("priority", "3"), "", List.of("-n", "200", "-p", "3")),
                row("kernel", params("kernel", true), "", List.of("-n", "200", "-k")),
                row("follow", params("follow", true), "", List.of("-n", "200", "-f")),
                row("journal directory", params(), "/srv/journal dir", List.of("-D", "/srv/journal dir", "-n", "200")),
                row("everything", params("unit", "a.service", "priority", "warning", "since", "2026-01-02T03:04:05Z",
                        "lines", 10, "kernel", true, "follow", true), "/j",
                        List.of("-D", "/j", "-n", "10", "--since", "2026-01-02 03:04:05 UTC", "-u", "a.service",
                                "-p", "warning", "-k", "-f")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void buildsTheArgumentVector(String name, Map<String, Object> params, String directory, List<String> expected) {
        List<String> want = new ArrayList<>(FIXED);
        want.addAll(expected);
        LogsRequest request = LogsRequest.fromParams(params);
        assertEquals(want, JournalArguments.build(request, new JournalSettings("journalctl", directory)));
    }

    @Test
    void theConfiguredProgramComesFirst() {
        List<String> args = JournalArguments.build(LogsRequest.fromParams(params()),
                new JournalSettings("/opt/systemd/bin/journalctl", ""));
        assertEquals("/opt/systemd/bin/journalctl", args.get(0));
    }

    @Test
    void blankSettingsMeanTheDefaults() {
        assertEquals(JournalSettings.DEFAULT, new JournalSettings("  ", null));
    }

    /** Values that a shell would act on never get that far: the request refuses them. */
    @ParameterizedTest
    @ValueSource(strings = {"a.service; rm -rf /", "$(reboot)", "`id`", "a b", "x|y", "a&b", "u>out", "'q'"})
    void shellMetacharactersInAUnitAreRefused(String unit) {
        assertThrows(IllegalArgumentException.class, () -> LogsRequest.fromParams(params("unit", unit)));
    }

    /** What a unit may contain goes through whole, as one argument. */
    @Test
    void aUnitWithBackslashEscapesIsOneArgument() {
        String unit = "dev-disk-by\\x2duuid-1234.device";
        List<String> args = JournalArguments.build(LogsRequest.fromParams(params("unit", unit)),
                JournalSettings.DEFAULT);
        int u = args.indexOf("-u");
        assertEquals(unit, args.get(u + 1));
        assertEquals(FIXED.size() + 4, args.size());
    }

    @Test
    void sinceAfterTheLastExpressibleYearIsClamped() {
        assertEquals("9999-12-31 23:59:59 UTC", JournalArguments.since(Instant.parse("+12000-01-01T00:00:00Z")));
    }

    private static Arguments row(String name, Map<String, Object> params, String directory, List<String> expected) {
        return Arguments.of(name, params, directory, expected);
    }

    static Map<String, Object> params(Object... keyValues) {
        Map<String, Object> p = new HashMap<>();
        p.put("source", "journal");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put((String) keyValues[i], keyValues[i + 1]);
        }
        return p;
    }
}
