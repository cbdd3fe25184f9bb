package io.labctl.api.web;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A user's stream session (exec, logs) that the web bundle admitted: the caller had the declared permission on the
 * server. Its refusal would have been audited at the upgrade; the endpoint writes the opening row through
 * {@link #open} once it knows what the stream runs, and when the connection ends the web bundle writes the closing
 * row (duration included) with what the endpoint reported here. While it is open the web bundle re-decides it and
 * ends it once its certificate is revoked or its permission (or a {@link #whileAllowed} condition) no longer holds.
 */
@ProviderType
public interface StreamSession {
    Caller caller();

    /** The server the session is for (its record gave the permission's scope). */
    String server();

    /** What ran, for the closing audit row (for example the command line). */
    void describe(String what);

    /**
     * Writes the stream's opening audit row before it starts (before anything reaches the agent): what it opens (as
     * {@link #describe}, also for the closing row) and its whole detail, for exec the argument vector (see the
     * detail of {@link io.labctl.api.audit.AuditWriter#record(io.labctl.api.audit.AuditWriter.Event, String, Long,
     * String, String)}).
     * Throws {@link io.labctl.api.ApiException} 503 {@code audit-unavailable} when the row cannot be written: the
     * stream must then not start.
     */
    void open(String what, String detail);

    /** The outcome for the closing audit row: result ok or failed, detail such as "exit 3" or an error code. */
    void outcome(String result, String detail);

    /**
     * A condition of the endpoint's own (what it narrowed at the opening, such as the log paths a read may follow),
     * re-checked with the stream's permission for as long as the stream is open. It returns null while the stream
     * may go on, else why not; the stream is then ended as when its permission goes. It must be cheap and must not
     * block: it runs on the web bundle's re-check pass, several times a second.
     */
    void whileAllowed(java.util.function.Supplier<String> condition);
}
