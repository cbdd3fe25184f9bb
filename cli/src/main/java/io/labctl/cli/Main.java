package io.labctl.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;

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
        try {
            return commandLine(cli).execute(args);
        } finally {
            cli.out().flush();
            cli.err().flush();
        }
    }

    public static CommandLine commandLine(Cli cli) {
        CommandLine cl = new CommandLine(new LabctlCommand(cli), new Factory(cli));
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
