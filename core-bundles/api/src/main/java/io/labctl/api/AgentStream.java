package io.labctl.api;

import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One open stream to an agent, as labd holds it (see {@link AgentChannels#open}). Frames pass through as they are:
 * labd keeps no buffer of its own, the two ends' credit bounds what is in flight.
 */
@ProviderType
public interface AgentStream {

    /** What the agent sends on the stream; calls for one stream come one at a time, in order. */
    @ConsumerType
    interface Listener {
        /** A DATA payload. */
        void onData(byte[] payload);

        /**
         * A DEFLATED payload: part of the stream's one compressed byte stream, for the stream's user to decode (labd
         * passes it on as it is). Only on streams whose parameters asked for compression.
         */
        void onDeflated(byte[] payload);

        /** The agent will take this many more input bytes. */
        void onCredit(int bytes);

        /** The agent closed the stream, with the exit code where the kind has one. */
        void onClose(Integer exitCode);

        /** The stream failed: the agent's error, or the agent's connection was lost ({@code agent-disconnected}). */
        void onError(String code, String message);
    }

    /** Sends a DATA payload (at most the frame limit); false if the stream has ended. */
    boolean send(byte[] payload);

    /** Grants the agent more output credit. */
    void credit(int bytes);

    /** End of input (a CLOSE frame); the stream stays open for output. */
    void closeInput();

    /** Ends the stream from labd's side (an ERROR frame): the agent stops the work and sends nothing more. */
    void fail(String code, String message);
}
