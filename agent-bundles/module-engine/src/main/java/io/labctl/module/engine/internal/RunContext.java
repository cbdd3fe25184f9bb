package io.labctl.module.engine.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.labctl.module.CommandResult;
import io.labctl.module.engine.Host;

/**
 * What a provider sees of one engine run: the host, its files and accounts, the template values, and the resources
 * changed (or, in a plan, to be changed) so far.
 */
public final class RunContext {
    private final Host host;
    private final MachineFiles files;
    private final TemplateValues templateValues;
    private final Set<String> changed;
    private final boolean applying;

    public RunContext(Host host, TemplateValues templateValues, Set<String> changed, boolean applying) {
        this.host = host;
        this.applying = applying;
        this.files = new MachineFiles(host.root());
        this.templateValues = templateValues;
        this.changed = changed;
    }

    /** False in a plan: nothing is changed, and resources created earlier in the run do not exist yet. */
    public boolean applying() {
        return applying;
    }

    public Host host() {
        return host;
    }

    public MachineFiles files() {
        return files;
    }

    /** The machine's users and groups as its {@code /etc/passwd} and {@code /etc/group} say now. */
    public Accounts accounts() throws IOException {
        return Accounts.read(files);
    }

    public TemplateValues templateValues() {
        return templateValues;
    }

    /** Whether the resource of that id changed earlier in this run (a plan: will change). */
    public boolean changedInThisRun(String id) {
        return changed.contains(id);
    }

    /** Runs a command and returns its result whatever its exit code. */
    public CommandResult run(Duration timeout, List<String> argv) throws IOException {
        return host.run(argv, timeout);
    }

    /** Runs a command that must succeed. */
    public CommandResult check(Duration timeout, List<String> argv) throws IOException {
        CommandResult result = host.run(argv, timeout);
        if (result.exitCode() != 0) {
            throw new IOException("'" + String.join(" ", argv) + "' exited with " + result.exitCode()
                    + tail(result.stderr().isBlank() ? result.stdout() : result.stderr()));
        }
        return result;
    }

    /** The end of a command's output, for a failure's reason: enough to see why, never the whole output. */
    static String tail(String output) {
        String trimmed = output.strip();
        if (trimmed.isEmpty()) {
            return "";
        }
        int max = 400;
        return ": " + (trimmed.length() <= max ? trimmed : "..." + trimmed.substring(trimmed.length() - max));
    }
}
