package io.labctl.sources.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Runs Maven on a build folder inside bubblewrap: its own mount, PID, network (none), IPC and UTS namespaces; only
 * /usr (with the /bin, /lib links), the JDK, Maven, a few /etc entries Java and Maven read, a fresh /tmp, /proc, /dev
 * and the build folder (as /build) are visible, so labd's home, data and keys are not there to read. As another user
 * when labd runs as root (setpriv, before bwrap: no privilege is left to the build), with a clean environment, a
 * time limit (past it the sandbox and everything in it are killed) and a memory cap (a memory cgroup when labd can
 * make one).
 */
final class Sandbox {
    /** The build folder inside the sandbox. */
    static final String BUILD = "/build";
    private static final Path CGROUP_V1 = Path.of("/sys/fs/cgroup/memory");
    private static final Path CGROUP_V2 = Path.of("/sys/fs/cgroup");

    record Result(int exitCode, boolean timedOut, String limits) {}

    private final BuildSettings settings;

    Sandbox(BuildSettings settings) {
        this.settings = settings;
    }

    static boolean runningAsRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Maven's command line inside the sandbox: offline, on the build's own local repository, tests never skipped. */
    List<String> maven() {
        return List.of(settings.mavenHome() + "/bin/mvn", "-B", "-o", "-s", BUILD + "/settings.xml",
                "-Dmaven.repo.local=" + BUILD + "/m2", "-DskipTests=false", "-Dmaven.test.skip=false",
                "-Dmaven.test.failure.ignore=false", "verify");
    }

    List<String> command(Path work, List<String> inside, boolean root) {
        List<String> c = new ArrayList<>();
        if (root) {
            c.addAll(List.of("setpriv", "--reuid", String.valueOf(settings.uid()), "--regid", String.valueOf(settings.gid())));
            if (settings.groups().isEmpty()) {
                c.add("--clear-groups");
            } else {
                c.addAll(List.of("--groups", settings.groups().stream().map(String::valueOf).collect(Collectors.joining(","))));
            }
            c.add("--");
        }
        c.addAll(List.of(settings.bwrap(), "--unshare-all", "--die-with-parent", "--new-session",
                "--ro-bind", "/usr", "/usr"));
        for (String top : List.of("bin", "lib", "lib64", "sbin", "lib32", "libx32")) {
            Path p = Path.of("/" + top);
            if (Files.isSymbolicLink(p)) {
                try {
                    c.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), "/" + top));
                } catch (IOException e) {
                    // not there to link
                }
            } else if (Files.isDirectory(p)) {
                c.addAll(List.of("--ro-bind", p.toString(), p.toString()));
            }
        }
        for (String etc : List.of("/etc/alternatives", "/etc/java-17-openjdk", "/etc/java-21-openjdk", "/etc/maven",
                "/etc/ssl", "/etc/ca-certificates", "/etc/localtime", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf")) {
            c.addAll(List.of("--ro-bind-try", etc, etc));
        }
        for (Path tool : new Path[] {settings.javaHome(), settings.mavenHome()}) {
            if (tool != null && !tool.normalize().startsWith("/usr")) {
                c.addAll(List.of("--ro-bind", tool.toString(), tool.toString()));
            }
        }
        c.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--bind", work.toString(), BUILD,
                "--setenv", "HOME", BUILD + "/home", "--setenv", "JAVA_HOME", settings.javaHome().toString(),
                "--setenv", "PATH", settings.javaHome() + "/bin:/usr/bin:/bin", "--setenv", "LANG", "C.UTF-8",
                "--chdir", BUILD + "/src", "--"));
        c.addAll(inside);
        return c;
    }

    /** Runs {@code inside} (argv) in the sandbox over {@code work} (src/ and m2/ in it); each output line to log. */
    Result run(Path work, List<String> inside, String id, Consumer<String> log) throws IOException, InterruptedException {
        boolean root = runningAsRoot();
        Path cgroup = memoryCgroup(id);
        List<String> command = command(work, inside, root);
        String limits = "time limit " + settings.timeout().toSeconds() + " s, memory cap " + (settings.memoryBytes() >> 20)
                + " MiB " + (cgroup != null ? "(cgroup " + cgroup + ")" : "(Maven's heap only: labd cannot make a memory cgroup here)")
                + ", user " + (root ? settings.uid() : "labd's own (labd does not run as root)") + ", network none";
        if (cgroup != null) {
            List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c",
                    "echo $$ > \"$0\"/cgroup.procs && exec \"$@\"", cgroup.toString()));
            wrapped.addAll(command);
            command = wrapped;
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.clear();   // nothing of labd's environment reaches the build
        env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("LANG", "C.UTF-8");
        if (cgroup == null) {
            env.put("MAVEN_OPTS", "-Xmx" + Math.max(256, (settings.memoryBytes() >> 20) / 2) + "m");
        }
        Process p = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    log.accept(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "labd-build-output-" + id);
        reader.setDaemon(true);
        reader.start();
        try {
            boolean ended = p.waitFor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                kill(p, cgroup);
            }
            reader.join(5_000);
            return new Result(ended ? p.exitValue() : -1, !ended, limits);
        } finally {
            if (p.isAlive()) {
                kill(p, cgroup);
            }
            removeCgroup(cgroup);
        }
    }

    /** Kills the sandbox and all it started: every process of its cgroup, and the process tree. */
    private static void kill(Process p, Path cgroup) throws InterruptedException {
        for (int round = 0; round < 50; round++) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            List<Long> left = cgroupProcesses(cgroup);
            left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            if (!p.isAlive() && left.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
    }

    private static List<Long> cgroupProcesses(Path cgroup) {
        if (cgroup == null) {
            return List.of();
        }
        try {
            return Files.readAllLines(cgroup.resolve("cgroup.procs")).stream().filter(s -> !s.isBlank())
                    .map(s -> Long.valueOf(s.strip())).toList();
        } catch (IOException | NumberFormatException e) {
            return List.of();
        }
    }

    /** A memory cgroup for this build with the cap set, or null where labd may not make one. */
    private Path memoryCgroup(String id) {
        String name = "labctl-build-" + id;
        try {
            if (Files.isWritable(CGROUP_V1.resolve("cgroup.procs")) || Files.isWritable(CGROUP_V1)) {
                Path g = Files.createDirectories(CGROUP_V1.resolve(name));
                Files.writeString(g.resolve("memory.limit_in_bytes"), String.valueOf(settings.memoryBytes()));
                return g;
            }
            if (Files.exists(CGROUP_V2.resolve("cgroup.controllers")) && Files.isWritable(CGROUP_V2)
                    && Files.readString(CGROUP_V2.resolve("cgroup.controllers")).contains("memory")) {
                Path g = Files.createDirectories(CGROUP_V2.resolve(name));
                Files.writeString(g.resolve("memory.max"), String.valueOf(settings.memoryBytes()));
                return g;
            }
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        return null;
    }

    private static void removeCgroup(Path cgroup) throws InterruptedException {
        if (cgroup == null) {
            return;
        }
        for (int i = 0; i < 50; i++) {
            try {
                Files.deleteIfExists(cgroup);
                return;
            } catch (IOException e) {
                cgroupProcesses(cgroup).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                Thread.sleep(100);
            }
        }
    }
}
