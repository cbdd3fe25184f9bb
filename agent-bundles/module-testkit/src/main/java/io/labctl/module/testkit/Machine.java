package io.labctl.module.testkit;

import io.labctl.module.CommandResult;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Debian 12 machine with systemd as PID 1, booted with systemd-nspawn from a cached root file system (see
 * {@link RootFileSystems}): for what a scratch root cannot show (apt, systemd units, users, sysctl, commands), and for
 * running lab-agent as a service. Needs root, {@code mmdebstrap}, {@code systemd-nspawn} and {@code nsenter}
 * ({@code apt-get install mmdebstrap systemd-container}); where they are missing {@link #assumeAvailable()} skips the
 * test and says why.
 *
 * <p>A machine shares the host's network (a lab-agent inside reaches a labd on the host's loopback; apt reaches
 * Debian's archive) and has its own host name, processes, mounts and root file system: a copy of the cached one that
 * {@link #close()} deletes. Commands run inside through {@code nsenter} on the machine's PID 1.
 *
 * <pre>{@code
 * try (Machine m = Machine.create("web-1").hostJdk().bind(agentHome, "/opt/lab-agent").start()) {
 *     m.ok("systemctl", "start", "lab-agent");
 * }
 * }</pre>
 */
public final class Machine implements AutoCloseable {
    /** Where cached root file systems and machines' copies live (system property {@code labctl.machines.dir}). */
    public static final Path HOME = Path.of(System.getProperty("labctl.machines.dir", "/var/tmp/labctl-machines"));
    static final Duration BOOT_TIMEOUT = Duration.ofSeconds(90);
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    static final List<String> TOOLS = List.of("mmdebstrap", "systemd-nspawn", "nsenter");
    /** A clean environment for commands in the machine: nothing of the test's JVM leaks in. */
    static final Map<String, String> ENVIRONMENT = Map.of(
            "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME", "/root", "LANG", "C.UTF-8");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final AtomicInteger COPIES = new AtomicInteger();
    private static final Set<Machine> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        // a test that forgets close() (or a JVM stopped mid-run) leaves no machine running behind it
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(RUNNING).forEach(Machine::close), "machines-stop"));
    }

    private final String name;
    private final List<String> packages = new ArrayList<>();
    private final List<String> options = new ArrayList<>();
    private Path root;
    private Path log;
    private Process nspawn;
    private long leader;

    private Machine(String name) {
        this.name = name;
    }

    /** Why no machine can boot here, or empty when one can. */
    public static Optional<String> unavailableReason() {
        if (!System.getProperty("os.name", "").equals("Linux")) {
            return Optional.of("systemd machines need Linux");
        }
        try {
            if (!Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) {
                return Optional.of("systemd machines need root (mmdebstrap and systemd-nspawn); CI runs the tests as root");
            }
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.of("cannot tell whether this is root: " + e.getMessage());
        }
        List<String> missing = TOOLS.stream().filter(t -> tool(t).isEmpty()).toList();
        return missing.isEmpty() ? Optional.empty()
                : Optional.of(String.join(", ", missing) + " not found: apt-get install mmdebstrap systemd-container");
    }

    public static boolean available() {
        return unavailableReason().isEmpty();
    }

    /** Skips the calling test (JUnit assumption) with the reason when no machine can boot here. */
    public static void assumeAvailable() {
        Optional<String> reason = unavailableReason();
        Assumptions.assumeTrue(reason.isEmpty(), () -> "no systemd machine: " + reason.orElse(""));
    }

    /** A machine named (and host-named) {@code name}, not booted yet: add packages and binds, then {@link #start()}. */
    public static Machine create(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("machine name '" + name + "' is not a host name: use a-z, 0-9 and '-', at most 63");
        }
        return new Machine(name);
    }

    /** {@code create(name).start()}: the base Debian 12 machine. */
    public static Machine boot(String name) throws IOException {
        return create(name).start();
    }

    /** Debian packages in the machine's root file system beyond the base (one cached root per package list). */
    public Machine packages(String... names) {
        requireNotStarted("packages");
        packages.addAll(Arrays.asList(names));
        return this;
    }

    /**
     * Its own network namespace (only a loopback) instead of the host's: then the machine's {@code net.*} sysctls are
     * its own and writable (nspawn keeps the rest of /proc/sys read-only), but apt and labd on the host are out of reach.
     */
    public Machine privateNetwork() {
        requireNotStarted("privateNetwork");
        options.add("--private-network");
        return this;
    }

    /** The host folder {@code host} appears at {@code inMachine}, writable from both sides. */
    public Machine bind(Path host, String inMachine) {
        return bind(host, inMachine, false);
    }

    /** The host folder {@code host} appears at {@code inMachine}, read-only inside. */
    public Machine bindReadOnly(Path host, String inMachine) {
        return bind(host, inMachine, true);
    }

    /**
     * The JDK running this test, at its own path inside (read-only), so {@code JAVA_HOME} is the same in and out:
     * run lab-agent from a bound distribution with it. Debian's JDK links its conf/ into /etc/java-N-openjdk, which
     * is bound too.
     */
    public Machine hostJdk() {
        Path javaHome = javaHome();
        bindReadOnly(javaHome, javaHome.toString());
        try (var confs = Files.list(javaHome.resolve("conf"))) {
            confs.filter(Files::isSymbolicLink).map(Machine::linkTarget).map(Path::getParent).distinct()
                    .filter(p -> p.startsWith("/etc") && !p.equals(Path.of("/etc")) && Files.isDirectory(p))
                    .forEach(p -> bindReadOnly(p, p.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + javaHome.resolve("conf"), e);
        }
        return this;
    }

    /** The JDK {@link #hostJdk()} binds (the test's java.home, links resolved). */
    public static Path javaHome() {
        try {
            return Path.of(System.getProperty("java.home")).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the cached root file system (built first if needed), boots it and waits for systemd to be up. */
    public Machine start() throws IOException {
        requireNotStarted("start");
        Path base = RootFileSystems.base(packages);
        root = HOME.resolve("machines").resolve(name + "-" + ProcessHandle.current().pid() + "-" + COPIES.incrementAndGet());
        Files.createDirectories(root.getParent());
        CommandResult copied = exec(List.of("cp", "-a", "--reflink=auto", base.toString(), root.toString()), Duration.ofMinutes(5));
        if (copied.exitCode() != 0) {
            RootFileSystems.removeTree(root);
            throw new IOException("cannot copy " + base + " for machine " + name + ": " + copied.stderr().strip());
        }
        Files.writeString(root.resolve("etc/hostname"), name + "\n"); // systemd sets the host name from it
        log = Files.createTempFile("machine-" + name + "-", ".log");
        List<String> command = new ArrayList<>(List.of(tool("systemd-nspawn").orElseThrow().toString(),
                // the host has no systemd/dbus to register with: enter through the leader's pid instead
                "--register=no", "--keep-unit", "-q", "-D", root.toString(), "-M", name, "--hostname=" + name));
        command.addAll(options);
        command.add("-b");
        nspawn = new ProcessBuilder(command).redirectInput(new File("/dev/null")).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        RUNNING.add(this);
        try {
            awaitRunning();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    /** Runs {@code argv} inside the machine (as root, all its namespaces, a clean environment), five minutes at most. */
    public CommandResult run(String... argv) throws IOException {
        return run(RUN_TIMEOUT, List.of(argv));
    }

    public CommandResult run(Duration timeout, List<String> argv) throws IOException {
        requireStarted();
        List<String> command = new ArrayList<>(List.of(tool("nsenter").orElseThrow().toString(), "-t", Long.toString(leader), "-a"));
        command.addAll(argv);
        return exec(command, timeout);
    }

    /** Runs {@code argv} inside and returns its standard output; a non-zero exit throws with what it printed. */
    public String ok(String... argv) throws IOException {
        CommandResult r = run(argv);
        if (r.exitCode() != 0) {
            throw new IOException(String.join(" ", argv) + " exited " + r.exitCode() + " in machine " + name
                    + ": " + r.stderr().strip() + " " + r.stdout().strip());
        }
        return r.stdout();
    }

    /** The machine's root file system as seen from the host (files written here are the machine's files). */
    public Path root() {
        requireStarted();
        return root;
    }

    public String name() {
        return name;
    }

    /** The machine's PID 1 as the host sees it (for nsenter). */
    public long leaderPid() {
        requireStarted();
        return leader;
    }

    /** systemd-nspawn's output: the machine's console. */
    public Path log() {
        return log;
    }

    /** Powers the machine off (killed after 20 s) and deletes its copy of the root file system. */
    @Override
    public void close() {
        if (!RUNNING.remove(this)) {
            return;
        }
        try {
            // SIGTERM to nspawn asks the machine's systemd for an orderly poweroff
            nspawn.destroy();
            if (!nspawn.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                if (leader > 0) {
                    ProcessHandle.of(leader).ifPresent(ProcessHandle::destroyForcibly); // PID 1 of its namespace: all go
                }
                nspawn.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            // the binds were mounts in the machine's own namespace: on the host the copy holds only its own files
            exec(List.of("rm", "-rf", "--one-file-system", root.toString()), Duration.ofMinutes(2));
            Files.deleteIfExists(log);
        } catch (IOException e) {
            System.err.println("machine " + name + " not cleaned up: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "machine " + name + (root == null ? " (not started)" : " at " + root);
    }

    private void awaitRunning() throws IOException {
        long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
        String state = "no leader process";
        while (System.nanoTime() < deadline) {
            if (!nspawn.isAlive()) {
                throw new IOException("machine " + name + " stopped while booting: " + tail());
            }
            if (leader == 0) {
                leader = nspawn.children().findFirst().map(ProcessHandle::pid).orElse(0L);
            } else {
                try {
                    state = run(Duration.ofSeconds(10), List.of("systemctl", "is-system-running")).stdout().strip();
                } catch (IOException e) {
                    state = e.getMessage(); // systemd not answering yet: ask again until the deadline
                }
                if (state.equals("running") || state.equals("degraded")) {
                    return;
                }
            }
            sleep(200);
        }
        throw new IOException("machine " + name + " not running after " + BOOT_TIMEOUT.toSeconds() + " s (last state: "
                + state + "): " + tail());
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return "see " + log + ": " + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private Machine bind(Path host, String inMachine, boolean readOnly) {
        requireNotStarted("bind");
        if (!Files.exists(host) || !inMachine.startsWith("/") || inMachine.contains(":") || host.toString().contains(":")) {
            throw new IllegalArgumentException("bind " + host + " -> " + inMachine
                    + ": the host path must exist and both must be absolute paths without ':'");
        }
        options.add((readOnly ? "--bind-ro=" : "--bind=") + host.toAbsolutePath() + ":" + inMachine);
        return this;
    }

    private void requireNotStarted(String what) {
        if (root != null) {
            throw new IllegalStateException(what + " must come before start(): " + this + " is already booted");
        }
    }

    private void requireStarted() {
        if (root == null || leader == 0) {
            throw new IllegalStateException(this + " is not booted: call start()");
        }
    }

    private static Path linkTarget(Path link) {
        try {
            return link.toRealPath();
        } catch (IOException e) {
            return link;
        }
    }

    static Optional<Path> tool(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            for (String d : List.of(dir, "/usr/sbin", "/sbin")) {
                Path p = Path.of(d, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** Runs a host process with the clean environment, capturing its output; killed at the timeout. */
    static CommandResult exec(List<String> command, Duration timeout) throws IOException {
        Path out = Files.createTempFile("machine-out-", ".txt");
        Path err = Files.createTempFile("machine-err-", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectInput(new File("/dev/null"))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().clear();
            pb.environment().putAll(ENVIRONMENT);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
            }
            return new CommandResult(p.exitValue(), text(out), text(err));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Output as text, whatever bytes a command wrote (malformed UTF-8 is replaced, not refused). */
    private static String text(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
