package io.labctl.cli;

import java.lang.reflect.Constructor;
import io.labctl.cli.cmd.CompletionCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: builds the command tree, runs it, and maps every outcome to an exit code scripts can trust. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Cli cli = Cli.system();
        int code = run(cli, args);
        cli.out().flush();
        cli.err().flush();
        System.exit(code);
    }

    /** Runs one labctl invocation against the given environment and returns its exit code. */
    public static int run(Cli cli, String... args) {
        return execute(commandLine(cli, args), cli, args);
    }

    /** Runs an invocation on a command line built for it by {@link #commandLine(Cli, String...)}. */
    public static int execute(CommandLine cl, Cli cli, String... args) {
        try {
            return cl.execute(args);
        } finally {
            cli.out().flush();
            cli.err().flush();
        }
    }

    /**
     * Whether this invocation must run in the process the user started ({@link RunsLocally}) rather than in a labctl
     * session. Arguments that do not parse do not: the session reports the usage error as well as anyone.
     */
    public static boolean runsLocally(CommandLine cl, Cli cli, String... args) {
        CommandLine.ParseResult parsed;
        try {
            parsed = cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            return false;
        }
        for (CommandLine c : parsed.asCommandLineList()) {
            if (c.getCommand() instanceof RunsLocally local && local.runsLocally(cli)) {
                return true;
            }
        }
        return false;
    }

    /** The whole command tree: for help, completion and tests. */
    public static CommandLine commandLine(Cli cli) {
        return build(cli, null);
    }

    /**
     * The command tree this invocation needs: only its verb when the arguments name one (picocli builds each command's
     * model by reflection, which costs a cold JVM more than anything else before the first request), else all verbs,
     * so that help, completion and suggestions for a mistyped verb see them all.
     */
    public static CommandLine commandLine(Cli cli, String... args) {
        return build(cli, verbOf(args));
    }

    /** The verb class the arguments name ({@link Args#verb}); null when none or unsure: picocli then gets every verb. */
    static Class<?> verbOf(String... args) {
        String name = Args.verb(args);
        if (name == null) {
            return null;
        }
        for (Class<?> verb : LabctlCommand.VERBS) {
            Command c = verb.getAnnotation(Command.class);
            if (c.name().equals(name) || java.util.Arrays.asList(c.aliases()).contains(name)) {
                return verb == CompletionCommand.class ? null : verb;  // completion describes every verb
            }
        }
        return null;
    }

    private static CommandLine build(Cli cli, Class<?> onlyVerb) {
        CommandLine cl = new CommandLine(new LabctlCommand(cli), new Factory(cli));
        for (Class<?> verb : LabctlCommand.VERBS) {
            if (onlyVerb == null || verb == onlyVerb) {
                cl.addSubcommand(verb);
            }
        }
        cl.setOut(cli.out());
        cl.setErr(cli.err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpWidth(110);
        // picocli would expand @FILE anywhere, even after '--': an exec command's '@user' must arrive as written
        cl.setExpandAtFiles(false);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof CliException ce) {
                cli.err().println("error: " + ce.getMessage());
                if (cli.debug()) {
                    ex.printStackTrace(cli.err());
                }
                return ce.exitCode();
            }
            cli.err().println("error: " + (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()));
            if (cli.debug()) {
                ex.printStackTrace(cli.err());
            } else {
                cli.err().println("(this looks like a bug in labctl; run again with LABCTL_DEBUG=1 for details)");
            }
            return ExitCodes.REFUSED;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            cli.err().println("error: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, cli.err());
            cli.err().println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            if (cli.debug()) {
                ex.printStackTrace(cli.err());
            }
            return ExitCodes.USAGE;
        });
        return cl;
    }

    /** Creates commands and mixins, handing the {@link Cli} to every constructor that asks for it. */
    static final class Factory implements CommandLine.IFactory {
        private final Cli cli;
        private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

        Factory(Cli cli) {
            this.cli = cli;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                Constructor<K> c = cls.getDeclaredConstructor(Cli.class);
                c.setAccessible(true);
                return c.newInstance(cli);
            } catch (NoSuchMethodException e) {
                return fallback.create(cls);
            }
        }
    }
}
