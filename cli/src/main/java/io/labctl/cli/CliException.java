package io.labctl.cli;

/**
 * A failure the user can act on, with the exit code scripts see. The message is printed as {@code error: <message>}
 * and never comes with a stack trace (unless LABCTL_DEBUG=1).
 */
public class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** labd answered, and refused or failed the request (exit 1). */
    public static CliException refused(String message) {
        return new CliException(ExitCodes.REFUSED, message);
    }

    /** Something is wrong with what the user asked for or with the local configuration (exit 2). */
    public static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, message);
    }

    /** labctl could not reach labd, or could not make sense of what came back (exit 255). */
    public static CliException unreachable(String message, Throwable cause) {
        return new CliException(ExitCodes.UNREACHABLE, message, cause);
    }
}
