package io.labctl.api.web;

/**
 * A user's stream session (exec, logs) that the web bundle admitted: the caller had the declared permission on the
 * server. Its opening was audited; when the connection ends the web bundle writes the closing row (duration
 * included) with what the endpoint reported here.
 */
public interface StreamSession {
    Caller caller();

    /** The server the session is for (its record gave the permission's scope). */
    String server();

    /** What ran, for the closing audit row (for example the command line). */
    void describe(String what);

    /** The outcome for the closing audit row: result ok or failed, detail such as "exit 3" or an error code. */
    void outcome(String result, String detail);
}
