package io.labctl.protocol.channel;

/** A stream that failed: a stable code (for example {@value #NOT_INSTALLED}) and a message for the operator. */
public record StreamError(String code, String message) {
    public static final String NOT_INSTALLED = "capability-not-installed";
}
