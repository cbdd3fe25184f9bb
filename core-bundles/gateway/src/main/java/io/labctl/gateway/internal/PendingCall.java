package io.labctl.gateway.internal;

import io.labctl.api.AgentChannels;
import io.labctl.api.ApiException;
import io.labctl.protocol.channel.ProtocolException;
import io.labctl.protocol.channel.StreamError;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;

/** One request-response stream waiting for the agent: collects DATA up to a limit, completes on CLOSE or ERROR. */
final class PendingCall implements StreamSink {
    final CompletableFuture<AgentChannels.Reply> result = new CompletableFuture<>();
    private final String server;
    private final String kind;
    private final int maxBytes;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    PendingCall(String server, String kind, int maxBytes) {
        this.server = server;
        this.kind = kind;
        this.maxBytes = maxBytes;
    }

    /** Returns false when the agent sent more than it was granted: the caller fails the stream. */
    @Override
    public synchronized boolean data(byte[] bytes) {
        if (output.size() + bytes.length > maxBytes) {
            result.completeExceptionally(new ApiException(413, "output-too-large",
                    kind + " on " + server + " sent more than " + maxBytes + " bytes"));
            return false;
        }
        output.write(bytes, 0, bytes.length);
        return true;
    }

    /** A request-response call never asks for compression: compressed output breaks the protocol. */
    @Override
    public void deflated(byte[] payload) throws ProtocolException {
        throw new ProtocolException("DEFLATED output for " + kind + " on " + server + ", which did not ask for"
                + " compression");
    }

    @Override
    public void grantedByAgent(int bytes) {
        // these calls send no input, so the agent's credit is never needed
    }

    @Override
    public synchronized void closed(Integer exitCode) {
        result.complete(new AgentChannels.Reply(output.toByteArray(), exitCode));
    }

    @Override
    public void failed(StreamError error) {
        if (StreamError.NOT_INSTALLED.equals(error.code())) {
            result.completeExceptionally(new ApiException(501, error.code(), error.message()
                    + "; install its feature on " + server + " to use '" + kind + "'"));
        } else {
            result.completeExceptionally(new ApiException(502, error.code() == null ? "stream-failed" : error.code(),
                    kind + " on " + server + " failed: " + error.message()));
        }
    }

    @Override
    public void lost(String why) {
        result.completeExceptionally(ApiException.unavailable("agent-disconnected",
                "the connection to " + server + " ended before " + kind + " finished (" + why + ")"));
    }
}
