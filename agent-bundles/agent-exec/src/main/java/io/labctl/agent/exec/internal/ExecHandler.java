package io.labctl.agent.exec.internal;

import io.labctl.agent.api.StreamChannel;
import io.labctl.agent.api.StreamHandler;
import io.labctl.agent.api.StreamReceiver;
import io.labctl.protocol.channel.StreamOpen;
import io.labctl.protocol.exec.ExecRequest;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves "exec" streams: runs a command (an argument vector, no shell) as the agent's user in its home directory,
 * with pipes or in a pseudo-terminal, streams its output back under labd's credit and closes the stream with its
 * exit code. An aborted stream, or this handler going away, kills the command's whole process tree.
 */
@Component(service = StreamHandler.class, property = StreamHandler.KIND + "=" + ExecRequest.KIND)
public class ExecHandler implements StreamHandler {
    static final String COMMAND_NOT_FOUND = "command-not-found";
    static final String COMMAND_NOT_EXECUTABLE = "command-not-executable";
    static final String TTY_UNAVAILABLE = "tty-unavailable";
    static final String EXEC_FAILED = "exec-failed";
    private static final String PTY4J_TMPDIR = "pty4j.tmpdir";

    private static final Logger LOG = LoggerFactory.getLogger(ExecHandler.class);

    private final TerminalLauncher terminals;
    private final Set<ExecSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public ExecHandler() {
        this(new Pty4jLauncher());
    }

    @Activate
    void activate(BundleContext context) {
        // pty4j extracts its native library to a new temp dir per JVM and leaves it behind; the bundle's data
        // area is one fixed place, reused across restarts (pty4j checks the copy) and removed with the bundle
        File nativeDir = context.getDataFile("pty4j");
        // pty4j uses the folder only if it exists
        if (nativeDir != null && System.getProperty(PTY4J_TMPDIR) == null
                && (nativeDir.isDirectory() || nativeDir.mkdirs())) {
            System.setProperty(PTY4J_TMPDIR, nativeDir.getAbsolutePath());
        }
    }

    ExecHandler(TerminalLauncher terminals) {
        this.terminals = terminals;
    }

    @Override
    public StreamReceiver open(StreamOpen open, StreamChannel channel) {
        ExecRequest request = ExecRequest.fromParams(open.params());
        if (stopping) {
            throw new IllegalStateException("the exec handler is stopping");
        }
        String argv0 = request.command().get(0);
        File home = new File(System.getProperty("user.home"));
        LOG.debug("exec stream {}: command {} (tty {}, {}x{})", channel.id(), request.command(), request.tty(),
                request.cols(), request.rows());
        switch (Executables.lookup(argv0, System.getenv("PATH"), home.toPath())) {
            case NOT_FOUND:
                return refuse(channel, COMMAND_NOT_FOUND, argv0 + ": not found on " + HostName.get());
            case NOT_EXECUTABLE:
                return refuse(channel, COMMAND_NOT_EXECUTABLE,
                        argv0 + ": permission denied (not an executable file) on " + HostName.get());
            default:
                break;
        }
        long startNanos = System.nanoTime();
        ExecProcess process;
        if (request.tty()) {
            process = startInTerminal(request, channel, home);
        } else {
            process = startWithPipes(request, channel, home);
        }
        if (process == null) {
            return StreamReceiver.IGNORE;
        }
        ExecSession session = new ExecSession(channel, request, process, startNanos, sessions::remove);
        sessions.add(session);
        LOG.info("exec {} (stream {}) started as pid {}{}", argv0, channel.id(), process.pid(),
                request.tty() ? " in a terminal" : "");
        session.start();
        if (stopping) {
            // deactivate ran while this one started: it must not outlive the handler either
            ProcessTree.kill(session.endForRemoval(), ProcessTree.GRACE);
        }
        return session;
    }

    /** Kills everything this handler started; their streams fail with capability-removed. */
    @Deactivate
    void deactivate() {
        stopping = true;
        List<ProcessHandle> processes = new ArrayList<>();
        for (ExecSession session : List.copyOf(sessions)) {
            LOG.info("exec handler stopping: killing pid {} and its descendants", session.pid());
            processes.addAll(session.endForRemoval());
        }
        if (!processes.isEmpty()) {
            ProcessTree.kill(processes, ProcessTree.GRACE);
        }
    }

    int running() {
        return sessions.size();
    }

    private ExecProcess startWithPipes(ExecRequest request, StreamChannel channel, File home) {
        try {
            return PipedProcess.start(request.command(), home);
        } catch (IOException e) {
            failStart(channel, request, e);
            return null;
        }
    }

    private ExecProcess startInTerminal(ExecRequest request, StreamChannel channel, File home) {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.put("TERM", "xterm-256color");
        try {
            return terminals.start(request.command(), environment, home, request.cols(), request.rows());
        } catch (IOException e) {
            failStart(channel, request, e);
            return null;
        } catch (LinkageError | RuntimeException e) {
            // pty4j's native part or JNA could not load on this host; exec without a terminal still works
            LOG.warn("exec stream {}: no terminal available: {}", channel.id(), e.toString());
            refuse(channel, TTY_UNAVAILABLE, "no terminal can be opened on " + HostName.get() + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); run without a terminal instead");
            return null;
        }
    }

    /** The lookup found the program, but starting it failed all the same (it changed since, or exec refused). */
    private void failStart(StreamChannel channel, ExecRequest request, IOException e) {
        String argv0 = request.command().get(0);
        String message = String.valueOf(e.getMessage());
        String host = HostName.get();
        if (message.contains("error=2,")) {
            refuse(channel, COMMAND_NOT_FOUND, argv0 + ": not found on " + host);
        } else if (message.contains("error=13,")) {
            refuse(channel, COMMAND_NOT_EXECUTABLE, argv0 + ": permission denied on " + host);
        } else if (request.tty() && message.contains("cannotCreatePty")) {
            refuse(channel, TTY_UNAVAILABLE, "no terminal can be opened on " + host + ": " + message);
        } else {
            refuse(channel, EXEC_FAILED, argv0 + ": cannot be started on " + host + ": " + message);
        }
    }

    private static StreamReceiver refuse(StreamChannel channel, String code, String message) {
        LOG.info("exec stream {} refused: {}: {}", channel.id(), code, message);
        channel.fail(code, message);
        return StreamReceiver.IGNORE;
    }
}
