package io.labctl.itests.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Running real programs from tests. */
public final class Processes {
    private Processes() {}

    public record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    public static Result run(Path workDir, List<String> command, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile("proc", ".out");
        Path err = Files.createTempFile("proc", ".err");
        try {
            Process p = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("timed out after " + timeout + ": " + command);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Starts a long-running program in its home, stdin from /dev/null, stdout and stderr appended to console. */
    public static Process launch(Path home, Path console, String... command) throws IOException {
        return new ProcessBuilder(command).directory(home.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile())).start();
    }

    public static void untar(Path tarGz, Path into) throws IOException, InterruptedException {
        Files.createDirectories(into);
        Result r = run(into, List.of("tar", "-xzf", tarGz.toString(), "-C", into.toString(), "--strip-components=1"), Duration.ofMinutes(2));
        if (r.exitCode() != 0) {
            throw new IOException("could not unpack " + tarGz + ": " + r);
        }
    }

    /** Polls until the condition holds; fails with the description and where to look when it does not in time. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // not yet: the thing polled may still be starting
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + "s waiting for " + what);
    }

    /** Stops a process and everything it started (labd's PostgreSQL), politely first. */
    public static void stop(Process p, Duration grace) throws InterruptedException {
        if (p == null || !p.isAlive()) {
            return;
        }
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle c : children) {
            if (c.isAlive()) {
                c.destroy();
                try {
                    c.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    c.destroyForcibly();
                }
            }
        }
    }
}
