package io.labctl.agent.logs.internal;

import io.labctl.agent.api.StreamChannel;
import io.labctl.agent.api.StreamHandler;
import io.labctl.agent.api.StreamReceiver;
import io.labctl.protocol.channel.StreamOpen;
import io.labctl.protocol.logs.LogsRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves "logs" streams: the journal (through journalctl, filtered by unit, priority, start time, kernel), a log
 * file the caller's roles may read (labd's allow-list, checked on the real path), or the agent's own karaf.log;
 * the last lines, and with follow what comes after. Each stream has a thread of its own; an abort, or this
 * handler going away, stops it and ends any journalctl it started.
 */
@Component(service = StreamHandler.class, property = StreamHandler.KIND + "=" + LogsRequest.KIND,
        configurationPid = LogsHandler.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = LogsConfig.class)
public class LogsHandler implements StreamHandler {
    static final String PID = "io.labctl.agent.logs";
    /** The lines a file read shows when the request names no count (the journal's default is the same). */
    static final int DEFAULT_LINES = JournalArguments.DEFAULT_LINES;
    static final String AGENT_LOG_UNKNOWN = "agent-log-unknown";
    /** How long deactivation waits for the streams' threads (and journalctl processes) to end. */
    private static final long STOP_WAIT_MILLIS = 5_000;
    /** How long deactivation gives follows to hand themselves over (a follow does within its poll interval). */
    static final long HANDOVER_WAIT_MILLIS = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(LogsHandler.class);

    private final Set<LogSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile JournalSettings journal = JournalSettings.DEFAULT;
    private volatile boolean stopping;

    public LogsHandler() {}

    LogsHandler(JournalSettings journal) {
        this.journal = journal;
    }

    /** A new configuration applies to streams opened afterwards; open streams carry on as they are. */
    @Activate
    @Modified
    void configure(LogsConfig config) {
        journal = JournalSettings.of(config);
    }

    @Override
    public StreamReceiver open(StreamOpen open, StreamChannel channel) {
        LogsRequest request = LogsRequest.fromParams(open.params());
        if (stopping) {
            throw new IllegalStateException("the logs handler is stopping");
        }
        int lines = request.lines() == null ? DEFAULT_LINES : request.lines();
        LogSession session;
        switch (request.source()) {
            case LogsRequest.JOURNAL -> {
                JournalCursor resume = journalResumeOf(open, request);
                JournalSettings settings = journal;
                List<String> command = JournalArguments.build(request, settings, resume);
                List<String> probe = request.follow() && resume == null
                        ? JournalArguments.probe(request, settings) : null;
                boolean noBacklog = request.lines() != null && request.lines() == 0;
                String description = resume == null ? describe(request, null)
                        : describe(request, null) + ", resumed at " + resume.text();
                session = new JournalSession(channel, request.deflate(), command, probe, request.follow(), noBacklog,
                        resume, description, sessions::remove);
            }
            case LogsRequest.FILE -> {
                LogCursor resume = resumeOf(open, request);
                Path path = Path.of(request.path());
                session = new FileTail(channel, request.deflate(), path, new PathPolicy(request.allow()), lines,
                        request.follow(), resume, FileTail.POLL, describe(request, path, resume), sessions::remove);
            }
            default -> {
                Path path = agentLog();
                if (path == null) {
                    LOG.info("logs stream {} refused: the agent's log location is unknown", channel.id());
                    channel.fail(AGENT_LOG_UNKNOWN, "this agent's log file is unknown (neither karaf.log nor "
                            + "karaf.data is set)");
                    return StreamReceiver.IGNORE;
                }
                // the agent's own log: no allow-list, the stream itself is the permission
                LogCursor resume = resumeOf(open, request);
                session = new FileTail(channel, request.deflate(), path, null, lines, request.follow(), resume,
                        FileTail.POLL, describe(request, path, resume), sessions::remove);
            }
        }
        sessions.add(session);
        session.start();
        if (stopping) {
            // deactivate ran while this one started: it must not outlive the handler either
            session.stopForRemoval();
        }
        return session;
    }

    /**
     * The cursor of a stream handed over by an older version ({@link StreamOpen#RESUME}, set by labd): checked as
     * untrusted input; only a followed file or agent log has one here (the journal's: {@link #journalResumeOf}).
     */
    static LogCursor resumeOf(StreamOpen open, LogsRequest request) {
        Object value = open.params() == null ? null : open.params().get(StreamOpen.RESUME);
        if (value == null) {
            return null;
        }
        if (!request.follow() || LogsRequest.JOURNAL.equals(request.source())) {
            throw new IllegalArgumentException("only a followed file or agent log can be resumed, not this "
                    + request.source() + " read");
        }
        return LogCursor.parse(value);
    }

    /**
     * The cursor of a journal follow handed over by an older version, checked as untrusted input; null for a new read.
     * Only a follow goes on from a cursor, and only from a journal's.
     */
    static JournalCursor journalResumeOf(StreamOpen open, LogsRequest request) {
        Object value = open.params() == null ? null : open.params().get(StreamOpen.RESUME);
        if (value == null) {
            return null;
        }
        if (!request.follow()) {
            throw new IllegalArgumentException("only a follow can be resumed, not a journal read that ends");
        }
        return JournalCursor.parse(value);
    }

    /**
     * Hands over the follows that can be (labd resumes them on the next version, or once the agent is back), giving
     * them up to {@link #HANDOVER_WAIT_MILLIS}; stops every other stream (they fail with capability-removed); waits a
     * while for their threads to end.
     */
    @Deactivate
    void deactivate() throws InterruptedException {
        stopping = true;
        List<LogSession> open = List.copyOf(sessions);
        long handoverDeadline = System.currentTimeMillis() + HANDOVER_WAIT_MILLIS;
        for (LogSession session : open) {
            if (session.handoverAsked() || session.handOver()) {
                session.awaitEnd(Math.max(1, handoverDeadline - System.currentTimeMillis()));
            }
        }
        open.forEach(LogSession::stopForRemoval);
        long deadline = System.currentTimeMillis() + STOP_WAIT_MILLIS;
        for (LogSession session : open) {
            if (!session.awaitEnd(Math.max(1, deadline - System.currentTimeMillis()))) {
                LOG.warn("logs stream {} did not end in time", session.channel.id());
            }
        }
    }

    int running() {
        return sessions.size();
    }

    /** {@code ${karaf.log}/karaf.log}, else {@code ${karaf.data}/log/karaf.log}; null if neither is set. */
    static Path agentLog() {
        String logDir = System.getProperty("karaf.log");
        if (logDir != null && !logDir.isBlank()) {
            return Path.of(logDir, "karaf.log");
        }
        String dataDir = System.getProperty("karaf.data");
        if (dataDir != null && !dataDir.isBlank()) {
            return Path.of(dataDir, "log", "karaf.log");
        }
        return null;
    }

    static String describe(LogsRequest r, Path path, LogCursor resume) {
        return resume == null ? describe(r, path) : describe(r, path) + ", resumed at " + resume.text();
    }

    /** What the stream reads, for the log. */
    static String describe(LogsRequest r, Path path) {
        StringBuilder b = new StringBuilder(r.source());
        if (path != null) {
            b.append(' ').append(path);
        }
        if (r.unit() != null) {
            b.append(" unit ").append(r.unit());
        }
        if (r.priority() != null) {
            b.append(" priority ").append(r.priority());
        }
        if (r.kernel()) {
            b.append(" kernel");
        }
        if (r.since() != null) {
            b.append(" since ").append(r.since());
        }
        if (r.lines() != null) {
            b.append(" lines ").append(r.lines());
        }
        b.append(r.follow() ? ", following" : ", once");
        return b.toString();
    }
}
