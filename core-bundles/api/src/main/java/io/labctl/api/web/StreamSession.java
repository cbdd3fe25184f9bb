package io.labctl.api.web;

/**
 * A user's stream session (exec, logs) that the web bundle admitted: the caller had the declared permission on the
 * server. Its refusal would have been audited at the upgrade; the endpoint writes the opening row through
 * {@link #open} once it knows what the stream runs, and when the connection ends the web bundle writes the closing
 * row (duration included) with what the endpoint reported here.
 */
public interface StreamSession {
    Caller caller();

    /** The server the session is for (its record gave the permission's scope). */
    String server();

    /** What ran, for the closing audit row (for example the command line). */
    void describe(String what);

    /**
     * Writes the stream's opening audit row before it starts (before anything reaches the agent): what it opens (as
     * {@link #describe}, also for the closing row) and its whole detail, for exec the argument vector (see
     * {@link io.labctl.api.AuditTrail#record(io.labctl.api.AuditTrail.Event, String, Long, String, String)}).
     * Throws {@link io.labctl.api.ApiException} 503 {@code audit-unavailable} when the row cannot be written: the
     * stream must then not start.
     */
    void open(String what, String detail);

    /** The outcome for the closing audit row: result ok or failed, detail such as "exit 3" or an error code. */
    void outcome(String result, String detail);
}
