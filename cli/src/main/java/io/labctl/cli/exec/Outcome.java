package io.labctl.cli.exec;

import io.labctl.cli.CliException;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.http.LabdRefusal;
import io.labctl.protocol.Api;

/**
 * How one exec or logs stream ended.
 *
 * @param exitCode the remote exit code ({@link Kind#EXITED} only; null if labd sent none)
 * @param status   the HTTP status when labd refused the WebSocket upgrade, else 0
 * @param code     labd's error code (ApiError or ERROR frame), if any
 * @param message  for the user, when there is something to say
 */
public record Outcome(Kind kind, Integer exitCode, int status, String code, String message) {
    public enum Kind {
        /** The command ran and exited; for logs, labd ended the read with CLOSE. */
        EXITED,
        /** labd refused: the upgrade was answered with an HTTP error, or the stream with an ERROR frame. */
        REFUSED,
        /** --timeout passed; labctl asked labd to stop the command. */
        TIMED_OUT,
        /** The user interrupted labctl; labctl asked labd to stop the command or log stream. */
        CANCELLED,
        /** labctl could not reach labd, lost the connection, or labd broke the protocol. */
        FAILED
    }

    private static final String FORBIDDEN = "forbidden";
    private static final String SERVER_OFFLINE = "server-offline";

    static Outcome exited(Integer exitCode) {
        return new Outcome(Kind.EXITED, exitCode, 0, null, null);
    }

    static Outcome refused(String code, String message) {
        return new Outcome(Kind.REFUSED, null, 0, code, message);
    }

    /** labd ended the open stream because the caller's access ended (close code {@link Api#ACCESS_REVOKED_CLOSE}). */
    static Outcome revoked(String reason) {
        return refused(Api.ACCESS_REVOKED, "labd ended the stream: " + (reason == null || reason.isBlank()
                ? "your access was revoked" : reason));
    }

    static Outcome timedOut(String message) {
        return new Outcome(Kind.TIMED_OUT, null, 0, null, message);
    }

    static Outcome cancelled() {
        return new Outcome(Kind.CANCELLED, null, 0, null, "cancelled");
    }

    static Outcome failed(String message) {
        return new Outcome(Kind.FAILED, null, 0, null, message);
    }

    /** A connection attempt that failed before the stream started. */
    static Outcome of(CliException e) {
        if (e instanceof LabdRefusal r) {
            return new Outcome(Kind.REFUSED, null, r.status(), r.code(), r.getMessage());
        }
        if (e.exitCode() == ExitCodes.REFUSED) {
            return refused(null, e.getMessage());
        }
        return failed(e.getMessage());
    }

    /** labctl's exit code for a single exec: the remote code, or 1, 77, 124, 130, 255. */
    public int exitStatus() {
        return switch (kind) {
            case EXITED -> exitCode != null && exitCode >= 0 && exitCode <= 255 ? exitCode : ExitCodes.UNREACHABLE;
            case REFUSED -> revoked() ? ExitCodes.ACCESS_REVOKED : ExitCodes.REFUSED;
            case TIMED_OUT -> ExitCodes.TIMED_OUT;
            case CANCELLED -> ExitCodes.CANCELLED;
            case FAILED -> ExitCodes.UNREACHABLE;
        };
    }

    /** labd refused because the caller may not exec there, or no longer may. */
    public boolean denied() {
        return kind == Kind.REFUSED && (status == 403 || FORBIDDEN.equals(code) || revoked());
    }

    /** labd ended the stream because the caller's access ended while it was open. */
    public boolean revoked() {
        return kind == Kind.REFUSED && Api.ACCESS_REVOKED.equals(code);
    }

    /** labd refused because the server's agent is not connected. */
    public boolean offline() {
        return kind == Kind.REFUSED && (status == 503 || SERVER_OFFLINE.equals(code));
    }
}
