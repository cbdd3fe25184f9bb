package io.labctl.agent.core.internal;

import io.labctl.agent.api.StreamHandler;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.ProtocolException;
import io.labctl.protocol.channel.StreamError;
import io.labctl.protocol.channel.StreamOpen;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes labd's frames on one connection to the streams they belong to, opening streams with the handler
 * registered for their kind. Never blocks the caller (the WebSocket's thread): handlers run on the streams' own
 * serial executors.
 */
final class StreamDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(StreamDispatcher.class);
    /** How long a stream that agreed to hand itself over gets to do so before it is ended anyway. */
    static final long HANDOVER_GRACE_MILLIS = 2_000;

    private final HandlerRegistry handlers;
    private final FrameSink out;
    private final Executor streamThreads;
    private final Map<Integer, AgentStream> streams = new ConcurrentHashMap<>();
    /** Set once the connection is being closed on purpose: new streams are refused, labd tries them again later. */
    private boolean closing;

    StreamDispatcher(HandlerRegistry handlers, FrameSink out, Executor streamThreads) {
        this.handlers = handlers;
        this.out = out;
        this.streamThreads = streamThreads;
    }

    /**
     * Handles one frame from labd.
     *
     * @throws ProtocolException when labd broke the channel's rules; the caller drops the connection
     */
    void onFrame(Frame frame) throws ProtocolException {
        switch (frame.type()) {
            case OPEN -> open(frame);
            case DATA -> {
                AgentStream stream = streams.get(frame.stream());
                if (stream != null) {
                    stream.dataFromLabd(frame.payload());
                }
                // data for a stream that just ended is a normal race, not an error
            }
            case CREDIT -> {
                int bytes = frame.creditBytes();
                AgentStream stream = streams.get(frame.stream());
                if (stream != null) {
                    stream.creditGranted(bytes);
                }
            }
            case CLOSE -> {
                AgentStream stream = streams.get(frame.stream());
                if (stream != null) {
                    stream.inputClosedByLabd();
                }
            }
            case ERROR -> {
                AgentStream stream = streams.get(frame.stream());
                if (stream != null) {
                    StreamError error = frame.body(StreamError.class);
                    stream.abort("labd ended the stream: " + error.message());
                }
            }
            case HELLO, HEARTBEAT -> throw new ProtocolException(frame.type() + " frames go from agent to labd only");
        }
    }

    private void open(Frame frame) throws ProtocolException {
        int id = frame.stream();
        if (id == 0) {
            throw new ProtocolException("OPEN on stream 0, which is reserved for control frames");
        }
        StreamOpen request = frame.body(StreamOpen.class);
        if (request.kind() == null || request.kind().isBlank()) {
            throw new ProtocolException("OPEN on stream " + id + " names no kind");
        }
        if (streams.containsKey(id)) {
            throw new ProtocolException("OPEN for stream " + id + ", which is already open");
        }
        synchronized (this) {
            if (closing) {
                // a stream labd resumes right as this connection closes would be cut without a cursor: not now
                out.send(Frame.json(FrameType.ERROR, id, new StreamError(StreamError.AGENT_STOPPING,
                        "this agent is closing its connection to labd (stopping, or its core is being replaced)")));
                return;
            }
            openOn(id, request);
        }
    }

    private void openOn(int id, StreamOpen request) {
        StreamHandler handler = handlers.find(request.kind());
        if (handler == null) {
            // how labd learns that a feature is absent on this agent
            out.send(Frame.json(FrameType.ERROR, id, new StreamError(StreamError.NOT_INSTALLED,
                    "capability '" + request.kind() + "' is not installed on this agent")));
            return;
        }
        AgentStream stream = new AgentStream(id, request.kind(), handler, request.credit(), out,
                new SerialExecutor(streamThreads), ended -> streams.remove(ended.id(), ended));
        streams.put(id, stream);
        LOG.debug("stream {} ({}) opened", id, request.kind());
        stream.start(request);
    }

    /**
     * A handler went away (its bundle stops: an uninstall, an update, the agent stopping): streams that can be handed
     * over are (labd takes them to the handler's next version, or waits for the agent to come back); the others, and
     * those not handed over within the grace, fail with a message for labd. Streams of other handlers carry on.
     */
    void handlerRemoved(StreamHandler handler) {
        for (AgentStream stream : List.copyOf(streams.values())) {
            if (stream.handler() == handler) {
                String why = "capability '" + stream.kind() + "' was removed from this agent while the stream was open";
                if (stream.handOver()) {
                    CompletableFuture.delayedExecutor(HANDOVER_GRACE_MILLIS, TimeUnit.MILLISECONDS, streamThreads)
                            .execute(() -> stream.abortWithError(StreamErrors.CAPABILITY_REMOVED, why));
                } else {
                    stream.abortWithError(StreamErrors.CAPABILITY_REMOVED, why);
                }
            }
        }
    }

    /**
     * The connection is about to be closed on purpose (the agent stops, or its core is replaced): streams that can be
     * handed over are asked to, and given up to the grace to do it, so that labd resumes them when the agent is back.
     */
    void handOverAll() throws InterruptedException {
        List<AgentStream> open;
        synchronized (this) {
            closing = true;
            open = List.copyOf(streams.values());
        }
        List<AgentStream> handing = open.stream().filter(AgentStream::handOver).toList();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HANDOVER_GRACE_MILLIS);
        for (AgentStream stream : handing) {
            while (stream.isOpen() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        if (!handing.isEmpty()) {
            LOG.info("{} stream(s) handed over before the connection closes", handing.size());
        }
    }

    /** Asks the streams open on that handler to hand themselves over (a newer version serves their kind now). */
    int handOver(StreamHandler handler) {
        int count = 0;
        for (AgentStream stream : List.copyOf(streams.values())) {
            if (stream.handler() == handler && stream.handOver()) {
                count++;
            }
        }
        return count;
    }

    /** The connection is gone: every stream ends. */
    void abortAll(String reason) {
        for (AgentStream stream : List.copyOf(streams.values())) {
            stream.abort(reason);
        }
    }

    int openStreams() {
        return streams.size();
    }

    /** The streams open on that handler. */
    int openStreams(StreamHandler handler) {
        return (int) streams.values().stream().filter(s -> s.handler() == handler).count();
    }
}
