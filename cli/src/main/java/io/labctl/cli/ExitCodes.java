package io.labctl.cli;

/** The exit codes scripts can rely on; the same list is printed in the footer of {@code labctl --help}. */
public final class ExitCodes {
    public static final int OK = 0;
    /** labd refused or failed the request; its message is printed as {@code error: <message>}. */
    public static final int REFUSED = 1;
    /** Usage error: unknown verb or flag, a malformed selector, duration or name, no usable context. */
    public static final int USAGE = 2;
    /**
     * exec, logs: labd ended the open stream because the user's access ended meanwhile (user deleted, certificate
     * revoked, role unbound or changed); the reason is printed as {@code error: <message>}. 77 as in sysexits.h
     * EX_NOPERM.
     */
    public static final int ACCESS_REVOKED = 77;
    /** exec: --timeout passed and labd was asked to stop the command (as timeout(1) does). */
    public static final int TIMED_OUT = 124;
    /** exec, logs: interrupted by Ctrl-C and labd was asked to stop the command or stream (128 + SIGINT). */
    public static final int CANCELLED = 130;
    /** labctl could not reach or talk to labd: connection refused, TLS failure, timeout, garbled answer. */
    public static final int UNREACHABLE = 255;

    private ExitCodes() {}
}
