package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.GlobalOptions;
import io.labctl.cli.http.LabdClient;
import io.labctl.protocol.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Base of every verb that talks to labd: the Cli, the global options, and a client for the chosen context. */
abstract class LabdCommand implements Callable<Integer> {
    protected final Cli cli;

    @Mixin
    GlobalOptions globals;

    @Spec
    CommandSpec spec;

    LabdCommand(Cli cli) {
        this.cli = cli;
    }

    protected LabdClient client() {
        return cli.labd();
    }

    /** A usage error (exit 2) attributed to this command. */
    protected ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** The server names in server/NAME (or: server NAME ...) arguments, validated; a usage error otherwise. */
    protected List<String> serverNames(List<String> args) {
        try {
            List<String> names = new ArrayList<>();
            for (ResourceRef r : ResourceRef.parse(args, "server")) {
                names.add(Names.require("server name", r.name()));
            }
            return names;
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /** An environment's name checked as labd checks it (before anything is sent); a usage error otherwise. */
    protected String requireEnv(String environment) {
        try {
            return Names.require("env", environment);
        } catch (IllegalArgumentException e) {
            throw usage("--" + e.getMessage());
        }
    }

    /** Validates -o: null means the default table. */
    protected String output(String value, Set<String> allowed) {
        if (value == null) {
            return null;
        }
        String v = value.toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw usage("output format '" + value + "' is not one of " + String.join(", ", allowed.stream().sorted().toList()));
        }
        return v;
    }

    protected void print(String text) {
        cli.out().print(text);
        cli.out().flush();
    }

    /** A long request's progress event as a line on stderr, as it comes (stdout keeps the answer alone). */
    protected void progress(io.labctl.protocol.Progress event) {
        String line = io.labctl.cli.render.ProgressPrinter.line(event);
        if (line != null) {
            cli.err().println(line);
            cli.err().flush();
        }
    }
}
