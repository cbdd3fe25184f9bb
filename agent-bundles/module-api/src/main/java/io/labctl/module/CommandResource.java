package io.labctl.module;

import java.util.List;

/**
 * A command run on the machine, guarded so that applying twice does not run it twice: {@code command:NAME}. It runs
 * only when the {@link #creates(String) created path} is missing, or the {@link #unless(String...) unless-command}
 * fails (exit code not 0); with both, when either says so. <b>A command with neither runs on every apply and always
 * reports changed</b>: give it a guard unless that is what you want. It fails when it exits with a code other than 0.
 * {@link #absent()} has no meaning for a command and fails it.
 */
public final class CommandResource extends Resource {
    private final String name;
    private final List<String> argv;
    private String creates;
    private List<String> unless;

    public CommandResource(String name, String... argv) {
        super("command", name);
        if (argv.length == 0) {
            throw new IllegalArgumentException("command:" + name + ": no command given");
        }
        this.name = name;
        this.argv = List.of(argv);
    }

    /** Runs only when this path does not exist (the command creates it). */
    public CommandResource creates(String path) {
        this.creates = absolutePath("command creates", path);
        return this;
    }

    /** Runs only when this command fails. */
    public CommandResource unless(String... argv) {
        if (argv.length == 0) {
            throw new IllegalArgumentException(id() + ": empty unless-command");
        }
        this.unless = List.of(argv);
        return this;
    }

    public String name() {
        return name;
    }

    public List<String> argv() {
        return argv;
    }

    /** The path the command creates, or null. */
    public String creates() {
        return creates;
    }

    /** The guard command, or null. */
    public List<String> unlessCommand() {
        return unless;
    }

    @Override
    public CommandResource requires(String... ids) {
        super.requires(ids);
        return this;
    }

    @Override
    public CommandResource absent() {
        super.absent();
        return this;
    }
}
