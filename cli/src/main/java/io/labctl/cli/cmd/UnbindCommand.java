package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "unbind", mixinStandardHelpOptions = true,
        description = {"Take a role away from users.", "",
                "Examples:",
                "  labctl unbind role lab-operator --user bob"},
        subcommands = {UnbindCommand.Role.class})
public final class UnbindCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing resource type: role");
    }

    @Command(name = "role", aliases = {"roles"}, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Unbind a role from users: its rules no longer apply to them.", "",
                    "Examples:",
                    "  labctl unbind role lab-operator --user bob",
                    "  labctl unbind role viewer --user alice --user carol"})
    static final class Role extends BindCommand.Binding {
        Role(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            return apply(false);
        }
    }
}
