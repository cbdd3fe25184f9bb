package io.labctl.protocol.channel;

/** A peer broke the channel's rules; the message says which. */
public class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }
}
