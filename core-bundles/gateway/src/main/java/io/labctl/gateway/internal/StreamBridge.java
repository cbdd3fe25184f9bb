package io.labctl.gateway.internal;

import io.labctl.api.AgentChannels;
import io.labctl.api.AgentStream;
import io.labctl.api.ApiException;
import io.labctl.api.web.SocketConnection;
import io.labctl.api.web.SocketListener;
import io.labctl.api.web.StreamSession;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.ProtocolException;
import io.labctl.protocol.channel.StreamClose;
import io.labctl.protocol.channel.StreamError;
import io.labctl.protocol.channel.StreamOpen;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One user stream (exec, logs): the CLI's frames (stream 1 on its socket) pass to the agent's stream and back
 * unchanged, so the two ends' credit bounds what labd holds (one frame in flight each way); the database is not in
 * the path. The first frame must be OPEN; the session ends with the agent's CLOSE (exit code) or ERROR, the CLI's
 * ERROR (cancel, timeout), or either connection going away (the agent then stops the work).
 *
 * <p>An agent whose capability is upgraded live may hand a stream over (ERROR {@value StreamError#HANDOVER} with a
 * cursor, after the stream's last data): the bridge then opens the same request again on the agent with
 * {@link StreamOpen#RESUME} set to that cursor (new streams reach the newest version of the handler), granting it the
 * credit the CLI gave and the old stream did not use, so the CLI sees one unbroken stream. When the agent cannot take
 * it at once (it is restarting: the capability is gone for a moment, or the agent is not connected), the bridge tries
 * again every {@value #RETRY_MILLIS} ms for up to the gateway's resume wait, until the agent accepts the stream.
 */
final class StreamBridge implements SocketListener, AgentStream.Listener {
    static final int CLIENT_STREAM = 1;
    /** The code a stream is failed with when its user went away (the CLI sends the same one on Ctrl-C). */
    static final String CANCELLED = "cancelled";
    /** Handovers in a row with no data between them, past which the stream fails (an agent that only hands over). */
    static final int MAX_IDLE_HANDOVERS = 3;
    static final String HANDOVER_FAILED = "handover-failed";
    static final long RETRY_MILLIS = 250;
    /** Answers to a resume that mean "not now": the agent is restarting or reconnecting. */
    static final Set<String> NOT_NOW = Set.of("server-offline", StreamError.NOT_INSTALLED, "agent-disconnected",
            StreamError.AGENT_STOPPING);
    private static final Logger LOG = LoggerFactory.getLogger(StreamBridge.class);

    private final StreamSession session;
    private final SocketConnection client;
    private final AgentChannels channels;
    private final String kind;
    private final Function<Map<String, Object>, AgentChannels.Checked> check;
    private final Duration resumeWait;
    private final ScheduledExecutorService retries;
    private volatile AgentStream agent;
    private volatile boolean ended;
    /** The checked request, to open it again on a handover. */
    private Map<String, Object> params;
    /** Bytes the CLI has granted that the agent's stream has not sent yet; guarded by this. */
    private long unusedCredit;
    private int handovers;
    private int idleHandovers;
    /** The cursor being resumed from until the agent accepts the new stream (its first CREDIT); guarded by this. */
    private String resuming;
    private long resumeUntil;

    StreamBridge(StreamSession session, SocketConnection client, AgentChannels channels, String kind,
                 Function<Map<String, Object>, AgentChannels.Checked> check) {
        this(session, client, channels, kind, check, Duration.ZERO, null);
    }

    /**
     * @param resumeWait how long a handed-over stream waits for the agent to take it again (a restart, a reconnect)
     * @param retries    runs the tries meanwhile; null: no waiting
     */
    StreamBridge(StreamSession session, SocketConnection client, AgentChannels channels, String kind,
                 Function<Map<String, Object>, AgentChannels.Checked> check, Duration resumeWait,
                 ScheduledExecutorService retries) {
        this.session = session;
        this.client = client;
        this.channels = channels;
        this.kind = kind;
        this.check = check;
        this.resumeWait = resumeWait;
        this.retries = retries;
    }

    // ---- from the CLI

    @Override
    public void onBinary(ByteBuffer message) {
        Frame frame;
        try {
            frame = Frame.decode(message);
            if (frame.stream() != CLIENT_STREAM) {
                throw new ProtocolException(kind + " uses stream " + CLIENT_STREAM + " only");
            }
            fromClient(frame);
        } catch (ProtocolException | IllegalArgumentException e) {
            end(AuditEntry.FAILED, "invalid-request: " + e.getMessage(), new StreamError("invalid-request", e.getMessage()));
        }
    }

    private void fromClient(Frame frame) throws ProtocolException {
        AgentStream stream = agent;
        if (stream == null) {
            if (frame.type() != FrameType.OPEN) {
                throw new ProtocolException("the first frame must be OPEN with the " + kind + " parameters");
            }
            start(frame.body(StreamOpen.class));
            return;
        }
        switch (frame.type()) {
            case DATA -> stream.send(frame.payload());
            case CREDIT -> {
                int bytes = frame.creditBytes();
                AgentStream to;
                synchronized (this) {
                    // counted and sent to the stream current now: a handover between the two grants it on open
                    unusedCredit += Math.max(0, bytes);
                    to = agent;
                }
                to.credit(bytes);
            }
            case CLOSE -> stream.closeInput();
            case ERROR -> {
                StreamError why = frame.body(StreamError.class);
                stream.fail(why.code(), "the user's labctl ended the " + kind + " stream (" + why.code() + ")");
                end(AuditEntry.FAILED, why.code(), null);
            }
            default -> throw new ProtocolException(frame.type() + " frames are not part of " + kind);
        }
    }

    private void start(StreamOpen open) {
        if (!kind.equals(open.kind())) {
            throw new IllegalArgumentException("this socket serves " + kind + " streams, not " + open.kind());
        }
        AgentChannels.Checked checked = check.apply(open.params());
        try {
            // recorded whole before anything reaches the agent: a command that runs is always in the audit log
            session.open("server/" + session.server() + ": " + checked.description(), checked.detail());
            synchronized (this) {
                params = checked.params();
                unusedCredit = Math.max(0, open.credit());
                agent = channels.open(session.server(), kind, params, Math.max(0, open.credit()), this);
            }
        } catch (ApiException e) {
            end(AuditEntry.FAILED, e.code(), new StreamError(e.code(), e.getMessage()));
        }
    }

    @Override
    public void onClose(int code, String reason) {
        AgentStream stream;
        synchronized (this) {
            stream = agent;
            if (ended || stream == null) {
                return;
            }
            ended = true;
        }
        // the user's labctl went away mid-stream: the agent stops the work (for exec, the whole process tree)
        stream.fail(CANCELLED, "the user's connection to labd closed");
        session.outcome(AuditEntry.FAILED, withHandovers("client disconnected (" + code + ")"));
    }

    // ---- from the agent

    @Override
    public void onData(byte[] payload) {
        used(payload.length);
        client.send(new Frame(FrameType.DATA, CLIENT_STREAM, payload).encode());
    }

    @Override
    public void onDeflated(byte[] payload) {
        used(payload.length);
        client.send(new Frame(FrameType.DEFLATED, CLIENT_STREAM, payload).encode());
    }

    private synchronized void used(int bytes) {
        unusedCredit -= bytes;
        idleHandovers = 0;
    }

    @Override
    public void onCredit(int bytes) {
        synchronized (this) {
            resuming = null;  // the agent's handler took the stream (its first grant): resumed
        }
        client.send(Frame.credit(CLIENT_STREAM, bytes).encode());
    }

    @Override
    public void onClose(Integer exitCode) {
        end(exitCode != null && exitCode == 0 ? AuditEntry.OK : AuditEntry.FAILED, "exit " + exitCode,
                new StreamClose(exitCode));
    }

    @Override
    public void onError(String code, String message) {
        if (StreamError.HANDOVER.equals(code)) {
            resume(message);
            return;
        }
        if (NOT_NOW.contains(code) && resumingNow()) {
            if (!retryLater()) {
                gaveUp(code + ": " + message);
            }
            return;
        }
        end(AuditEntry.FAILED, code + ": " + message, new StreamError(code, message));
    }

    /** The agent handed the stream over: the same request again, from the cursor, with the credit left over. */
    private void resume(String cursor) {
        String refused = null;
        synchronized (this) {
            if (ended) {
                return;
            }
            if (cursor == null || cursor.isEmpty() || cursor.length() > StreamError.MAX_CURSOR) {
                refused = "the agent handed the " + kind + " stream over without a usable cursor";
            } else if (++idleHandovers > MAX_IDLE_HANDOVERS) {
                refused = "the agent handed the " + kind + " stream over " + MAX_IDLE_HANDOVERS
                        + " times in a row without sending anything";
            } else {
                resuming = cursor;
                resumeUntil = System.nanoTime() + resumeWait.toNanos();
                handovers++;
            }
        }
        if (refused != null) {
            end(AuditEntry.FAILED, HANDOVER_FAILED + ": " + refused, new StreamError(HANDOVER_FAILED, refused));
            return;
        }
        LOG.info("{} on {} handed over by the agent (handover {}), resuming at {}", kind, session.server(), handovers,
                cursor);
        attempt();
    }

    /** Opens the handed-over request on the agent; "not now" answers are tried again until the resume wait ends. */
    private void attempt() {
        String refused = null;
        synchronized (this) {
            if (ended || resuming == null) {
                return;
            }
            Map<String, Object> again = new LinkedHashMap<>(params);
            again.put(StreamOpen.RESUME, resuming);
            int credit = (int) Math.max(0, Math.min(Integer.MAX_VALUE, unusedCredit));
            try {
                agent = channels.open(session.server(), kind, again, credit, this);
            } catch (ApiException e) {
                if (!NOT_NOW.contains(e.code())) {
                    refused = "the " + kind + " stream was handed over but cannot go on: " + e.getMessage();
                } else if (!retryLater()) {
                    refused = e.code() + ": " + e.getMessage();
                }
            }
        }
        if (refused != null) {
            gaveUp(refused);
        }
    }

    private synchronized boolean resumingNow() {
        return resuming != null;
    }

    private void gaveUp(String why) {
        String message = "the " + kind + " stream was handed over by the agent (a live upgrade or a restart) and not"
                + " taken back within " + resumeWait.toSeconds() + " s: " + why;
        end(AuditEntry.FAILED, HANDOVER_FAILED + ": " + message, new StreamError(HANDOVER_FAILED, message));
    }

    /** While a resume waits for the agent: tries again shortly and returns true; false once the wait is over. */
    private synchronized boolean retryLater() {
        if (resuming == null || retries == null || ended || System.nanoTime() - resumeUntil > 0) {
            return false;
        }
        retries.schedule(this::attempt, RETRY_MILLIS, TimeUnit.MILLISECONDS);
        return true;
    }

    /** The audit detail, saying when the stream went through handovers (live upgrades of its capability). */
    private synchronized String withHandovers(String detail) {
        return handovers == 0 ? detail : detail + " (after " + handovers + " handover(s))";
    }

    /** Tells the CLI how it ended (a CLOSE or ERROR frame, unless null), records the outcome, closes the socket. */
    private synchronized void end(String result, String detail, Object last) {
        if (ended) {
            return;
        }
        ended = true;
        session.outcome(result, withHandovers(detail));
        if (last != null) {
            FrameType type = last instanceof StreamClose ? FrameType.CLOSE : FrameType.ERROR;
            client.send(Frame.json(type, CLIENT_STREAM, last).encode());
        }
        LOG.debug("{} on {} ended: {}", kind, session.server(), detail);
        client.close(1000, "done");
    }
}
