package io.labctl.api;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Streams to agents over their one connection. This is the request-response form: open a stream of a kind, collect
 * what the agent sends until it closes the stream. Failures complete the future with an {@link ApiException}:
 * 503 {@code server-offline} (no connection to this labd), 501 {@code capability-not-installed} (the agent has no
 * handler for the kind), 502 for any other stream error, 504 {@code agent-timeout}, 413 {@code output-too-large}.
 */
@ProviderType
public interface AgentChannels {

    /** What the agent sent before it closed the stream, and the exit code it closed with (null if the kind has none). */
    record Reply(byte[] output, Integer exitCode) {}

    CompletableFuture<Reply> call(String server, String kind, Map<String, Object> params, int maxOutputBytes, Duration timeout);

    /**
     * Opens a long-lived stream of a kind with an initial output credit; what the agent sends goes to the listener.
     * Throws 503 {@code server-offline} when the agent has no connection to this labd. An agent without the kind
     * answers with an error {@code capability-not-installed} through the listener.
     */
    AgentStream open(String server, String kind, Map<String, Object> params, int credit, AgentStream.Listener listener);

    /**
     * When the agent's live connection to this labd said hello; null when it has none here (not connected, or
     * connected to another labd instance). A new value means the agent connected again.
     */
    default java.time.Instant connectedAt(String server) {
        return null;
    }

    /**
     * A user's OPEN parameters as an endpoint accepted them (checked, maybe rewritten), what the audit rows say, and
     * the whole detail the opening row keeps (for exec the argument vector as JSON; null for none).
     */
    record Checked(Map<String, Object> params, String description, String detail) {
        public Checked(Map<String, Object> params, String description) {
            this(params, description, null);
        }
    }

    /**
     * Bridges a user's admitted socket to a stream of a kind on the session's server: the client's first frame must
     * be OPEN (its parameters go through check, which throws IllegalArgumentException to refuse them; the session's
     * opening row is written before the agent's stream opens, and the stream does not open if it cannot be); after that
     * frames pass both ways unchanged on stream 1 of the client's socket, so the two ends' credit bounds what labd
     * holds. The session's outcome is the agent's exit code or error; the client going away cancels the stream.
     */
    io.labctl.api.web.SocketListener bridge(io.labctl.api.web.StreamSession session,
                                            io.labctl.api.web.SocketConnection client, String kind,
                                            java.util.function.Function<Map<String, Object>, Checked> check);
}
