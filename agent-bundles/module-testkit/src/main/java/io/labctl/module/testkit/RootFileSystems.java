package io.labctl.module.testkit;

import io.labctl.module.CommandResult;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * Debian 12 root file systems for machines, one per package list, built once with mmdebstrap (about 20 s from Debian's
 * archive) and kept in {@code /var/tmp/labctl-machines/base-<hash>}. A root is built into a temporary folder and
 * renamed into place, under a lock file, so a half-built root is never used and two JVMs never build the same one.
 */
final class RootFileSystems {
    static final String SUITE = "bookworm";
    /** systemd as PID 1 and what every server has beyond minbase: dbus, iproute2, procps (sysctl, ps), CA certificates. */
    static final List<String> BASE = List.of("systemd", "systemd-sysv", "dbus", "iproute2", "procps", "ca-certificates");
    static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);

    private RootFileSystems() {
    }

    /** The cached root with the base packages and {@code extra}, built now if it is not there yet. */
    static synchronized Path base(List<String> extra) throws IOException {
        TreeSet<String> packages = new TreeSet<>(BASE);
        packages.addAll(extra);
        String list = String.join(",", packages);
        Path base = Machine.HOME.resolve("base-" + hash(SUITE + " " + list));
        if (Files.isDirectory(base)) {
            return base;
        }
        Files.createDirectories(Machine.HOME);
        try (FileChannel channel = FileChannel.open(Path.of(base + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            if (Files.isDirectory(base)) {
                return base; // another JVM built it while this one waited
            }
            Path building = Path.of(base + ".building");
            removeTree(building); // what a build killed half-way left behind
            // no mirror given: mmdebstrap takes the host's apt sources
            CommandResult r = Machine.exec(List.of(Machine.tool("mmdebstrap").orElseThrow().toString(), "--variant=minbase",
                    "--include=" + list, SUITE, building.toString()), BUILD_TIMEOUT);
            if (r.exitCode() != 0) {
                removeTree(building);
                throw new IOException("mmdebstrap could not build a " + SUITE + " root with " + list + " (exit " + r.exitCode()
                        + "): " + lastLines(r.stderr()));
            }
            Files.writeString(building.resolve("etc/labctl-machine-packages"), list + "\n", StandardCharsets.UTF_8);
            Files.move(building, base, StandardCopyOption.ATOMIC_MOVE);
            return base;
        }
    }

    static void removeTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            CommandResult r = Machine.exec(List.of("rm", "-rf", "--one-file-system", dir.toString()), Duration.ofMinutes(2));
            if (r.exitCode() != 0) {
                throw new IOException("cannot remove " + dir + ": " + r.stderr().strip());
            }
        }
    }

    private static String lastLines(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
