package io.labctl.module.engine.internal;

import java.io.IOException;
import java.time.Duration;

import io.labctl.module.CommandResource;

/** Commands guarded by {@code creates} and {@code unless}; one without a guard runs on every apply. */
final class CommandProvider implements Provider<CommandResource> {
    static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final Duration GUARD_TIMEOUT = Duration.ofMinutes(1);

    @Override
    public Class<CommandResource> type() {
        return CommandResource.class;
    }

    @Override
    public Change plan(CommandResource r, RunContext run) throws IOException {
        if (r.isAbsent()) {
            throw new IOException(r.id() + " is declared absent: a command cannot be undone; declare the command "
                    + "that undoes it instead");
        }
        String why;
        if (r.creates() != null && run.files().node(run.files().resolve(r.creates())) != null) {
            return null;
        } else if (r.unlessCommand() != null) {
            if (run.run(GUARD_TIMEOUT, r.unlessCommand()).exitCode() == 0) {
                return null;
            }
            why = r.creates() != null ? " (" + r.creates() + " is missing, unless-command failed)"
                    : " (unless-command failed)";
        } else {
            why = r.creates() != null ? " (" + r.creates() + " is missing)" : " (no guard: runs on every apply)";
        }
        return new Change("run " + String.join(" ", r.argv()) + why, () -> run.check(TIMEOUT, r.argv()));
    }
}
