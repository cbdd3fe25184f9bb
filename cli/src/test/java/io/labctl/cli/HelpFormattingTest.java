package io.labctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import io.labctl.cli.testsupport.TestCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command's --help, rendered: picocli reports a description it cannot format (a bare '%', say) only on the
 * process's stderr, and then prints the text unformatted, so the per-verb tests that read labctl's own stderr miss it.
 */
class HelpFormattingTest {
    @TempDir
    Path home;

    @Test
    void everyCommandsHelpFormatsWithoutPicocliWarnings() {
        StringWriter sink = new StringWriter();
        PrintWriter out = new PrintWriter(sink, true);
        Cli cli = new Cli(out, out, Map.of(), home, Clock.systemUTC(), new Stdio(new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(), new ByteArrayOutputStream(), () -> false));
        Set<CommandLine> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        PrintStream processErr = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
        try {
            render(Main.commandLine(cli), seen);
        } finally {
            System.setErr(processErr);
        }
        assertTrue(seen.size() > 50, "premise: the whole command tree was walked (" + seen.size() + " commands)");
        assertEquals("", warnings.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandAnswersHelpWithExitZero() {
        TestCli run = new TestCli(home);
        java.util.List<java.util.List<String>> paths = new java.util.ArrayList<>();
        collect(Main.commandLine(new Cli(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                Map.of(), home, Clock.systemUTC(), new Stdio(new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(), new ByteArrayOutputStream(), () -> false))), java.util.List.of(), paths,
                Collections.newSetFromMap(new IdentityHashMap<>()));
        assertTrue(paths.size() > 50, "premise: the whole command tree (" + paths.size() + " commands)");
        java.util.List<String> failing = new java.util.ArrayList<>();
        for (java.util.List<String> path : paths) {
            java.util.List<String> args = new java.util.ArrayList<>(path);
            args.add("--help");
            TestCli.Result r = run.run(args.toArray(String[]::new));
            if (r.code() != 0 || !r.out().contains("Usage:")) {
                failing.add(String.join(" ", path) + " (exit " + r.code() + ": " + r.err().strip() + ")");
            }
        }
        assertEquals(java.util.List.of(), failing);
    }

    private static void collect(CommandLine command, java.util.List<String> path,
                                java.util.List<java.util.List<String>> out, Set<CommandLine> seen) {
        if (!seen.add(command)) {
            return;
        }
        out.add(path);
        command.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandName().equals(name)) {
                java.util.List<String> next = new java.util.ArrayList<>(path);
                next.add(name);
                collect(sub, next, out, seen);
            }
        });
    }

    private static void render(CommandLine command, Set<CommandLine> seen) {
        if (!seen.add(command)) {
            return; // an alias
        }
        command.getUsageMessage();
        command.getSubcommands().values().forEach(sub -> render(sub, seen));
    }
}
