package io.labctl.cli;

/**
 * A command that must run in the labctl process the user started, not in a labctl session
 * ({@link io.labctl.cli.session}): it uses the local terminal, starts local processes, or reads and writes files
 * relative to the caller's directory. Checked for every command on the way from the root to the verb.
 */
public interface RunsLocally {
    /** Whether this invocation must run locally; by default always. */
    default boolean runsLocally(Cli cli) {
        return true;
    }
}
