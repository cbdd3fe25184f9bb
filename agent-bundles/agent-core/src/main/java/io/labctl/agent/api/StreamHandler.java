package io.labctl.agent.api;

import io.labctl.protocol.channel.StreamOpen;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Serves one kind of stream. Register as an OSGi service with {@value #KIND} set to the kind it serves; the
 * service may come and go at any time (hot deploy) without disturbing the agent's connection. When it goes, its
 * open streams are aborted.
 */
@ConsumerType
public interface StreamHandler {
    /** Service property: the stream kind this handler serves, for example {@code exec}. */
    String KIND = "io.labctl.stream.kind";

    /**
     * Starts serving a stream labd opened. Runs on a thread of the stream's own; may do setup work, but must not
     * hold the thread for the stream's whole life (start a process or a thread and return).
     *
     * @param open    the OPEN request: kind, kind-specific parameters and labd's initial credit
     * @param channel the stream: send output, end it, fail it
     * @return what receives labd's input on this stream; {@link StreamReceiver#IGNORE} if there is none
     * @throws Exception to refuse the stream; labd gets an ERROR frame with the exception's message
     */
    StreamReceiver open(StreamOpen open, StreamChannel channel) throws Exception;
}
