package io.labctl.module.engine.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.labctl.module.CommandResult;
import io.labctl.module.engine.ArtifactSource;

/** This machine: commands run as processes of the agent, with no standard input. */
public final class LocalHost extends RootedHost {
    public LocalHost(Path root, ArtifactSource artifacts) {
        super(root, artifacts);
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) throws IOException {
        // output goes to files rather than pipes: a chatty command can never block on a full pipe
        Path out = Files.createTempFile("labctl-module-out", ".txt");
        Path err = Files.createTempFile("labctl-module-err", ".txt");
        try {
            Process process = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean ended;
            try {
                ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                kill(process);
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running '" + argv.get(0) + "'");
            }
            if (!ended) {
                kill(process);
                throw new IOException("'" + String.join(" ", argv) + "' did not end within " + timeout.toSeconds()
                        + " s and was killed");
            }
            return new CommandResult(process.exitValue(), new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
                    new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The process and everything it started: a shell's children must not outlive a timeout. */
    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static java.io.File nullDevice() {
        return new java.io.File("/dev/null");
    }
}
