package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.http.LabdClient;
import io.labctl.protocol.Api;
import io.labctl.protocol.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "bind", mixinStandardHelpOptions = true,
        description = {"Grant a role to users.", "",
                "Examples:",
                "  labctl bind role viewer --user alice",
                "  labctl bind role lab-operator --user alice --user bob"},
        subcommands = {BindCommand.Role.class})
public final class BindCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing resource type: role");
    }

    /** ROLE and --user, shared by bind role and unbind role. */
    abstract static class Binding extends LabdCommand {
        @Parameters(paramLabel = "ROLE", description = "The role, as 'labctl get roles' lists it.")
        String role;

        @Option(names = "--user", paramLabel = "USER", required = true, description = "The user; repeatable.")
        List<String> users = new ArrayList<>();

        Binding(Cli cli) {
            super(cli);
        }

        /** PUT (bind) or DELETE (unbind) /roles/ROLE/users/USER for every user, stopping at the first refusal. */
        int apply(boolean bind) {
            try {
                Names.require("role name", role);
                for (String u : users) {
                    Names.require("user name", u);
                }
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            LabdClient client = client();
            for (String u : users) {
                String path = Api.ROLES + "/" + role + "/users/" + u;
                if (bind) {
                    client.put(path, null);
                    cli.out().println("role/" + role + " bound to user/" + u);
                } else {
                    client.delete(path, null);
                    cli.out().println("role/" + role + " unbound from user/" + u);
                }
                cli.out().flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "role", aliases = {"roles"}, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Bind a role to users: they get its allow and deny rules.", "",
                    "Examples:",
                    "  labctl bind role viewer --user alice",
                    "  labctl bind role lab-operator --user alice --user bob"})
    static final class Role extends Binding {
        Role(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            return apply(true);
        }
    }
}
