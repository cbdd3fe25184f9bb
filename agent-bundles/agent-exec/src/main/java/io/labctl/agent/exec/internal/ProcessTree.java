package io.labctl.agent.exec.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Ends a process and everything it started: TERM first, KILL whatever is left after a grace period. */
final class ProcessTree {
    static final Duration GRACE = Duration.ofSeconds(2);

    private ProcessTree() {}

    /**
     * The process and its descendants, descendants first. Taken before any signal: once a parent dies its
     * children are re-parented and no longer show up as its descendants.
     */
    static List<ProcessHandle> snapshot(long pid, boolean sessionLeader) {
        Map<Long, ProcessHandle> tree = new LinkedHashMap<>();
        ProcessHandle.of(pid).ifPresent(root -> root.descendants().forEach(d -> tree.put(d.pid(), d)));
        if (sessionLeader) {
            // a terminal's command leads a session of its own: its members whose parents died are found by that
            ProcessHandle.allProcesses()
                    .filter(p -> p.pid() != pid && sessionOf(p.pid()) == pid)
                    .forEach(p -> tree.putIfAbsent(p.pid(), p));
        }
        ProcessHandle.of(pid).ifPresent(root -> tree.put(pid, root));
        return new ArrayList<>(tree.values());
    }

    /** The session id from /proc, or -1. */
    static long sessionOf(long pid) {
        String[] fields = statFields(pid);
        // after "pid (comm)": state ppid pgrp session
        try {
            return fields == null || fields.length < 4 ? -1 : Long.parseLong(fields[3]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The fields of /proc/PID/stat after the command name, or null. */
    private static String[] statFields(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
            int end = stat.lastIndexOf(')');
            return end < 0 ? null : stat.substring(end + 1).strip().split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** TERM to all, wait up to {@code grace} for them to end, then KILL the rest (and anything they started). */
    static void kill(Collection<ProcessHandle> processes, Duration grace) {
        Map<Long, ProcessHandle> all = new LinkedHashMap<>();
        processes.forEach(p -> all.put(p.pid(), p));
        all.values().forEach(ProcessTree::term);
        if (awaitGone(all.values(), grace)) {
            return;
        }
        // a survivor may have forked since the snapshot: take its new children along
        for (ProcessHandle p : List.copyOf(all.values())) {
            if (isRunning(p)) {
                p.descendants().forEach(d -> all.putIfAbsent(d.pid(), d));
            }
        }
        all.values().stream().filter(ProcessTree::isRunning).forEach(ProcessHandle::destroyForcibly);
        awaitGone(all.values(), Duration.ofSeconds(1));
    }

    private static void term(ProcessHandle p) {
        try {
            p.destroy();
        } catch (IllegalStateException | SecurityException e) {
            // not ours to signal (the agent itself, or another user's): nothing more to do for it
        }
    }

    static boolean awaitGone(Collection<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (processes.stream().noneMatch(ProcessTree::isRunning)) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * Alive and not a zombie. The JDK counts zombies as alive, and an orphaned zombie stays one for good where
     * PID 1 does not reap (many containers), though it has ended and holds nothing.
     */
    static boolean isRunning(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        String[] fields = statFields(p.pid());
        if (fields == null || fields.length == 0 || fields[0].isEmpty()) {
            return p.isAlive(); // no procfs, or it just went away: trust the JDK
        }
        char state = fields[0].charAt(0);
        return state != 'Z' && state != 'X';
    }
}
