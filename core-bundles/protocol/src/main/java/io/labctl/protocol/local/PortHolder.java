package io.labctl.protocol.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Whether a loopback TCP port is free, and which process listens on it when it is not (Linux /proc). */
public final class PortHolder {
    private PortHolder() {}

    /** Whether this process could listen on 127.0.0.1:port (a listener on the wildcard address also takes it). */
    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // connections in TIME_WAIT do not hold a port; a listener does
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Who listens on the port, e.g. "pid 4242 (/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql)", or a
     * sentence saying it is a process this user cannot see (another user's).
     */
    public static String describe(int port) {
        Set<String> inodes = listeningInodes(port);
        if (!inodes.isEmpty()) {
            try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path proc : procs) {
                    if (holdsAny(proc, inodes)) {
                        return "pid " + proc.getFileName() + commandLine(proc).map(c -> " (" + c + ")").orElse("");
                    }
                }
            } catch (IOException e) {
                // fall through
            }
        }
        return "a process this user cannot see (another user's)";
    }

    /** Socket inodes of listeners (state 0A) on the port, from /proc/net/tcp and tcp6. */
    private static Set<String> listeningInodes(int port) {
        Set<String> inodes = new HashSet<>();
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.strip().split("\\s+");
                    if (f.length > 9 && f[1].endsWith(hexPort) && "0A".equals(f[3])) {
                        inodes.add(f[9]);
                    }
                }
            } catch (IOException e) {
                // no such table on this system
            }
        }
        return inodes;
    }

    private static boolean holdsAny(Path proc, Set<String> inodes) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                String target = Files.readSymbolicLink(fd).toString();
                if (target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1))) {
                    return true;
                }
            }
        } catch (IOException | SecurityException e) {
            // another user's process, or gone meanwhile
        }
        return false;
    }

    private static Optional<String> commandLine(Path proc) {
        try {
            String cmd = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ').strip();
            return cmd.isEmpty() ? Optional.empty() : Optional.of(cmd.length() > 200 ? cmd.substring(0, 200) + "..." : cmd);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
