package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.RunsLocally;
import io.labctl.cli.CliException;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.config.ContextEntry;
import io.labctl.cli.config.LabctlConfig;
import io.labctl.cli.http.Tls;
import io.labctl.cli.render.Table;
import io.labctl.protocol.CredentialBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Manage contexts in the labctl config (~/.labctl/config.yaml, owner-only).", "",
                "A context is one labd and one identity: server URL, CA certificate, client certificate and key.", "",
                "Examples:",
                "  labctl config import ~/Downloads/alice.labctl.yaml",
                "  labctl config get-contexts",
                "  labctl config use-context prod",
                "  labctl config current-context"},
        subcommands = {ConfigCommand.Import.class, ConfigCommand.GetContexts.class, ConfigCommand.UseContext.class,
                ConfigCommand.CurrentContext.class, ConfigCommand.DeleteContext.class})
// always local: it reads and writes the config and bundle files relative to the caller's directory
public final class ConfigCommand implements Callable<Integer>, RunsLocally {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "missing subcommand: one of import, get-contexts, use-context, current-context, delete-context");
    }

    /** Adds or replaces a context from a credential bundle, keeps all others, and switches to it unless told not to. */
    public static LabctlConfig importBundle(LabctlConfig config, String name, CredentialBundle bundle, boolean makeCurrent) {
        LabctlConfig next = config.withContext(ContextEntry.of(name, bundle));
        return makeCurrent || next.currentContext() == null ? next.withCurrent(name) : next;
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Add a context from a credential bundle (as labd or an admin hands it out), or replace",
                    "the context of the same name. Other contexts are kept.", "",
                    "Examples:",
                    "  labctl config import alice.labctl.yaml",
                    "  labctl config import prod-admin.yaml --context prod --no-switch"})
    static final class Import extends LabdCommand {
        @Parameters(paramLabel = "BUNDLE", description = "Credential bundle file (kind: LabctlCredentials).")
        Path bundleFile;

        @Option(names = "--name", paramLabel = "NAME",
                description = "Name of the new context (default: <user>@<server host>).")
        String name;

        @Option(names = "--no-switch", description = "Keep the current context instead of switching to the new one.")
        boolean noSwitch;

        Import(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            if (!Files.isRegularFile(bundleFile)) {
                throw usage("credential bundle " + bundleFile + " does not exist or is not a file");
            }
            CredentialBundle bundle;
            try {
                bundle = CredentialBundle.read(bundleFile);
                Tls.context(bundle.caCertificate(), bundle.certificate(), bundle.privateKey());
            } catch (IOException e) {
                throw CliException.usage(e.getMessage());
            } catch (IllegalArgumentException e) {
                throw CliException.usage(bundleFile + " has an unusable " + e.getMessage());
            }
            // --context names the context to create here, as the brief for import asks; --name is an alias
            String ctxName = name != null ? name : cli.contextOverride() != null ? cli.contextOverride()
                    : ContextEntry.defaultName(bundle);
            LabctlConfig next = importBundle(cli.loadConfig(), ctxName, bundle, !noSwitch);
            cli.saveConfig(next);
            cli.out().println("Context \"" + ctxName + "\" imported (" + bundle.server() + ", user "
                    + (bundle.user() == null ? "<unknown>" : bundle.user()) + ")"
                    + (ctxName.equals(next.currentContext()) ? "; it is now the current context." : "."));
            return ExitCodes.OK;
        }
    }

    @Command(name = "get-contexts", mixinStandardHelpOptions = true,
            description = {"List the contexts; '*' marks the current one.", "", "Example:", "  labctl config get-contexts"})
    static final class GetContexts extends LabdCommand {
        GetContexts(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            LabctlConfig config = cli.loadConfig();
            if (config.contexts().isEmpty()) {
                cli.err().println(Cli.NO_CONTEXT);
                return ExitCodes.OK;
            }
            Table t = new Table("CURRENT", "NAME", "SERVER", "USER");
            for (ContextEntry c : config.contexts()) {
                t.row(c.name().equals(config.currentContext()) ? "*" : " ", c.name(), c.server(), c.user());
            }
            print(t.render());
            return ExitCodes.OK;
        }
    }

    @Command(name = "use-context", mixinStandardHelpOptions = true,
            description = {"Make a context the current one.", "", "Example:", "  labctl config use-context prod"})
    static final class UseContext extends LabdCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        UseContext(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            LabctlConfig config = cli.loadConfig();
            if (config.find(name).isEmpty()) {
                throw usage("no context named '" + name + "' in " + cli.configPath() + "; see 'labctl config get-contexts'");
            }
            cli.saveConfig(config.withCurrent(name));
            cli.out().println("Switched to context \"" + name + "\".");
            return ExitCodes.OK;
        }
    }

    @Command(name = "current-context", mixinStandardHelpOptions = true,
            description = {"Print the name of the current context.", "", "Example:", "  labctl config current-context"})
    static final class CurrentContext extends LabdCommand {
        CurrentContext(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            String current = cli.loadConfig().currentContext();
            if (current == null) {
                throw CliException.usage(Cli.NO_CONTEXT);
            }
            cli.out().println(current);
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete-context", mixinStandardHelpOptions = true,
            description = {"Remove a context from the config (labd is not contacted).", "", "Example:",
                    "  labctl config delete-context old-lab"})
    static final class DeleteContext extends LabdCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        DeleteContext(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            LabctlConfig config = cli.loadConfig();
            if (config.find(name).isEmpty()) {
                throw usage("no context named '" + name + "' in " + cli.configPath());
            }
            cli.saveConfig(config.without(name));
            cli.out().println("Deleted context \"" + name + "\".");
            return ExitCodes.OK;
        }
    }
}
