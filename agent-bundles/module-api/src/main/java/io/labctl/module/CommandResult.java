package io.labctl.module;

/** What a command run on the machine gave. */
public record CommandResult(int exitCode, String stdout, String stderr) {
    /** Exit code 0. */
    public boolean succeeded() {
        return exitCode == 0;
    }
}
