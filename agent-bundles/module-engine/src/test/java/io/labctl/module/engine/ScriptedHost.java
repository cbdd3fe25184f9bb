package io.labctl.module.engine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.labctl.module.CommandResult;

/**
 * A host whose commands answer from a script (by the start of their command line) and are recorded: the providers'
 * command logic tested without a machine. Commands with no answer succeed with no output.
 */
final class ScriptedHost implements Host {
    private final Path root;
    private final Map<String, CommandResult> answers = new LinkedHashMap<>();
    final List<String> ran = new ArrayList<>();

    ScriptedHost(Path root) {
        this.root = root;
    }

    ScriptedHost answer(String commandLineStart, int exitCode, String stdout) {
        answers.put(commandLineStart, new CommandResult(exitCode, stdout, ""));
        return this;
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) {
        String line = String.join(" ", argv);
        ran.add(line);
        return answers.entrySet().stream().filter(e -> line.startsWith(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(new CommandResult(0, "", ""));
    }

    @Override
    public InputStream artifact(String name, String version) {
        return new ByteArrayInputStream(new byte[0]);
    }

    /** The recorded commands that change something (not the queries). */
    List<String> changes() {
        return ran.stream().filter(c -> !c.startsWith("systemctl is-") && !c.startsWith("dpkg-query")
                && !c.startsWith("sysctl -n") && !c.startsWith("test ")).toList();
    }
}
