package io.labctl.protocol.pulumi;

/**
 * Start a run: {@code kind} plan, apply, destroy or plan-destroy; the Pulumi YAML program's text and the name of the file it came
 * from (shown in the run's record); the environment it runs in (its stack).
 */
public record RunRequest(String kind, String environment, String program, String file) {
    /** The most of a program labd takes, in UTF-8 bytes. */
    public static final int MAX_PROGRAM_BYTES = 1024 * 1024;

    @Override
    public String toString() {
        return "RunRequest[" + kind + " " + file + " in " + environment + "]";
    }
}
