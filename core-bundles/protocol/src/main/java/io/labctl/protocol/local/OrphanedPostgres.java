package io.labctl.protocol.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The PostgreSQL that a labd killed with SIGKILL leaves running on its embedded data directory. It is labd's own
 * server (the same data, nobody else's), so reclaiming it means stopping it and starting afresh on the same data:
 * nothing is lost. labd does so when it starts, and {@code labctl quickstart} before it checks its ports.
 */
public final class OrphanedPostgres {
    private OrphanedPostgres() {}

    /**
     * The postmaster named in {@code <dataDirectory>/postmaster.pid}, if it still runs, is a PostgreSQL, and works in
     * exactly that data directory (a postmaster's working directory is its data directory; a recycled pid is not).
     */
    public static Optional<ProcessHandle> find(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        long pid;
        try {
            List<String> lines = Files.isRegularFile(pidFile) ? Files.readAllLines(pidFile) : List.of();
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            pid = Long.parseLong(lines.get(0).strip());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false))
                .filter(p -> worksIn(p, dataDirectory));
    }

    private static boolean worksIn(ProcessHandle p, Path dataDirectory) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd"))
                    .equals(dataDirectory.toRealPath());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // not provably ours: leave it alone
        }
    }

    /**
     * Stops the orphan, if there is one: SIGTERM, then SIGKILL after {@code grace}. Returns the pid it stopped.
     * Its data stays as it is; the next start recovers it like after a power cut.
     */
    public static Optional<Long> stop(Path dataDirectory, Duration grace) {
        Optional<ProcessHandle> orphan = find(dataDirectory);
        if (orphan.isEmpty()) {
            return Optional.empty();
        }
        ProcessHandle p = orphan.get();
        p.destroy();
        try {
            p.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            p.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        return Optional.of(p.pid());
    }
}
