package io.labctl.cli.quickstart;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Background Karaf processes of the quickstart: start detached, find by pid file, stop politely then firmly. */
public final class Processes {
    private Processes() {}

    /**
     * Starts {@code setsid <karaf>/bin/karaf server} (or the distribution's own lean launcher, bin/lab-agent, where
     * there is one) in its own session, stdin from /dev/null, stdout and stderr appended to the log, and records the pid.
     */
    public static long startKaraf(Path karafHome, Path log, Path pidFile) throws IOException {
        Files.createDirectories(log.getParent());
        Path lean = karafHome.resolve("bin").resolve("lab-agent");
        ProcessBuilder pb = Files.isExecutable(lean)
                ? new ProcessBuilder("setsid", lean.toString())
                : new ProcessBuilder("setsid", karafHome.resolve("bin").resolve("karaf").toString(), "server");
        pb.directory(karafHome.toFile());
        pb.redirectInput(new File("/dev/null"));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        for (String v : new String[] {"KARAF_HOME", "KARAF_BASE", "KARAF_DATA", "KARAF_ETC", "KARAF_LOG"}) {
            pb.environment().remove(v);
        }
        Process p = pb.start();
        Files.writeString(pidFile, p.pid() + "\n");
        return p.pid();
    }

    /** The live process recorded in the pid file, if it still runs and still looks like the Karaf in that home. */
    public static Optional<ProcessHandle> alive(Path pidFile, Path karafHome) {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(ph -> looksLikeOurs(ph, karafHome));
    }

    /** Guards against a recycled pid: the command line, when the OS tells it, must mention karaf or its home. */
    private static boolean looksLikeOurs(ProcessHandle ph, Path karafHome) {
        Optional<String> cmd = ph.info().commandLine();
        return cmd.isEmpty() || cmd.get().toLowerCase(Locale.ROOT).contains("karaf")
                || cmd.get().contains(karafHome.toString());
    }

    /**
     * Stops a Karaf: runs its bin/stop, waits for the process to exit, then SIGTERM and finally SIGKILL the process and
     * everything it started.
     */
    public static void stop(ProcessHandle ph, Path karafHome, Path log, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>(ph.descendants().toList());
        Path stopScript = karafHome.resolve("bin").resolve("stop");
        if (Files.isExecutable(stopScript)) {
            try {
                ProcessBuilder pb = new ProcessBuilder(stopScript.toString()).directory(karafHome.toFile())
                        .redirectInput(new File("/dev/null")).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                Process p = pb.start();
                if (!p.waitFor(grace.toSeconds(), TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (IOException e) {
                // fall back to signals below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (waitExit(ph, grace)) {
            reap(tree);
            return;
        }
        tree = merge(tree, ph.descendants().toList());
        tree.forEach(ProcessHandle::destroy);
        ph.destroy();
        if (!waitExit(ph, Duration.ofSeconds(15))) {
            tree.forEach(ProcessHandle::destroyForcibly);
            ph.destroyForcibly();
            waitExit(ph, Duration.ofSeconds(5));
        }
        reap(tree);
    }

    /** Leftover children (the JVM under the launcher script) get SIGTERM, then SIGKILL. */
    private static void reap(List<ProcessHandle> tree) {
        for (ProcessHandle h : tree) {
            if (h.isAlive()) {
                h.destroy();
                if (!waitExit(h, Duration.ofSeconds(10))) {
                    h.destroyForcibly();
                }
            }
        }
    }

    private static List<ProcessHandle> merge(List<ProcessHandle> a, List<ProcessHandle> b) {
        List<ProcessHandle> out = new ArrayList<>(a);
        for (ProcessHandle h : b) {
            if (!out.contains(h)) {
                out.add(h);
            }
        }
        return out;
    }

    public static boolean waitExit(ProcessHandle ph, Duration timeout) {
        try {
            ph.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return !ph.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !ph.isAlive();
        } catch (java.util.concurrent.ExecutionException e) {
            return !ph.isAlive();
        }
    }
}
