package io.labctl.protocol;

/** The one error shape on the wire: a stable code, a message that says what to do, and the request id for the logs. */
public record ApiError(String code, String message, String requestId) {}
