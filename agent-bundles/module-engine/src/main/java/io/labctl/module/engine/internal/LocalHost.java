package io.labctl.module.engine.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.labctl.module.CommandResult;
import io.labctl.module.engine.ArtifactSource;
import io.labctl.module.engine.Host;

/** This machine: commands run as processes of the agent, with no standard input. */
public final class LocalHost implements Host {
    private final Path root;
    private final ArtifactSource artifacts;

    public LocalHost(Path root, ArtifactSource artifacts) {
        this.root = root.toAbsolutePath().normalize();
        this.artifacts = Objects.requireNonNull(artifacts, "artifacts");
    }

    @Override
    public Path root() {
        return root;
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
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running '" + argv.get(0) + "'");
            }
            if (!ended) {
                process.destroyForcibly();
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

    private static java.io.File nullDevice() {
        return new java.io.File("/dev/null");
    }

    @Override
    public InputStream artifact(String name, String version) throws IOException {
        return artifacts.open(name, version);
    }
}
