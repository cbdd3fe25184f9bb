package io.labctl.cli.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a user's labctl session lives: a directory only that user can enter ($LABCTL_SESSION_DIR, else
 * $XDG_RUNTIME_DIR/labctl, else /tmp/labctl-UID), holding the socket, the lock the running session holds, and its log.
 * The socket's name carries the build of labctl (the jar's path, size and time), so a rebuilt labctl never talks to a
 * session of the old one.
 */
record SessionPaths(Path dir, Path socket, Path lock, Path log) {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    /** sun_path holds 108 bytes with its terminating NUL. */
    private static final int MAX_SOCKET_PATH = 107;

    /**
     * The session paths for this user and build, with the directory created (0700) if missing; empty when the
     * directory is not safe to use (another owner, other permissions, a link) or the socket path would be too long.
     */
    static Optional<SessionPaths> of(Map<String, String> env, Path jar) throws IOException {
        Path dir = directory(env);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another labctl made it: checked below like any other
            }
        }
        if (!safe(dir)) {
            return Optional.empty();
        }
        String build = Long.toHexString(buildId(jar));
        Path socket = dir.resolve("session-" + build + ".sock");
        if (socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            return Optional.empty();
        }
        return Optional.of(new SessionPaths(dir, socket, dir.resolve("session-" + build + ".lock"),
                dir.resolve("session.log")));
    }

    static Path directory(Map<String, String> env) throws IOException {
        String explicit = env.get("LABCTL_SESSION_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath();
        }
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Files.isDirectory(Path.of(runtime))) {
            return Path.of(runtime, "labctl");
        }
        return Path.of("/tmp", "labctl-" + uid());
    }

    /** Ours, a real directory, and closed to everyone else. */
    static boolean safe(Path dir) throws IOException {
        return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                && uid() == ((Number) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)).intValue()
                && OWNER_ONLY.equals(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
    }

    static int uid() throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue();
    }

    /** FNV-1a over the jar's path, size and modification time: a name, not a secret. */
    static long buildId(Path jar) throws IOException {
        String id = jar.toAbsolutePath() + "|" + Files.size(jar) + "|" + Files.getLastModifiedTime(jar).toMillis();
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
