package io.labctl.cli.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** What 'labctl session' shows and stops: the sessions in this user's session directory, one per labctl build. */
public final class SessionControl {
    private SessionControl() {}

    /**
     * @param current whether it belongs to the labctl build that asks (older builds' sessions end when idle)
     */
    public record Session(long pid, boolean current, Instant started, String socket) {}

    /** The running sessions, the current build's first. */
    public static List<Session> list(Map<String, String> env) throws IOException {
        Path dir = SessionPaths.directory(env);
        if (!Files.isDirectory(dir) || !SessionPaths.safe(dir)) {
            return List.of();
        }
        Path jar = SessionClient.jar();
        String currentLock = jar == null ? "" : "session-" + Long.toHexString(SessionPaths.buildId(jar)) + ".lock";
        List<Session> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path lock : files.filter(p -> p.getFileName().toString().matches("session-[0-9a-f]+\\.lock")).toList()) {
                Optional<ProcessHandle> server = holder(lock);
                if (server.isPresent()) {
                    String name = lock.getFileName().toString();
                    found.add(new Session(server.get().pid(), name.equals(currentLock),
                            server.get().info().startInstant().orElse(null),
                            dir.resolve(name.replace(".lock", ".sock")).toString()));
                }
            }
        }
        found.sort((a, b) -> Boolean.compare(b.current(), a.current()));
        return found;
    }

    /** Asks every running session to stop (SIGTERM) and waits up to 5 s for each; returns those that were asked. */
    public static List<Session> stopAll(Map<String, String> env) throws IOException {
        List<Session> sessions = list(env);
        for (Session s : sessions) {
            ProcessHandle.of(s.pid()).ifPresent(h -> {
                h.destroy();
                try {
                    h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    // still going: reported as asked, it ends on its own when idle
                }
            });
        }
        return sessions;
    }

    /** The live session process whose pid the lock file names; only a labctl session counts. */
    private static Optional<ProcessHandle> holder(Path lock) {
        try {
            long pid = Long.parseLong(Files.readString(lock).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> h.info().arguments()
                    .map(a -> List.of(a).contains(SessionServer.class.getName())).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
