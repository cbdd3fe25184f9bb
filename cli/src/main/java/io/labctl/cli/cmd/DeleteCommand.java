package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.http.LabdClient;
import io.labctl.protocol.Api;
import io.labctl.protocol.Names;
import io.labctl.protocol.TokenInfo;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Revoke a join token, or delete a server, a user, a role, a git credential, a module's git",
                "source or an environment.", "",
                "Deleting a server makes labd revoke its agent certificate and cut its connection.",
                "Deleting a user revokes its certificates and removes its role bindings.",
                "Deleting a role removes it from every user bound to it; builtin roles cannot be deleted.",
                "Deleting a module's source makes labd forget where it comes from ('modules update' no longer",
                "works); the versions it published stay in the repository and on the servers.",
                "Deleting an environment is refused while servers, bastions or clusters are in it (the answer",
                "names them); it needs manage on its whole cloud.",
                "Asks for no confirmation.", "",
                "Examples:",
                "  labctl delete token/3f9a2c71d0e4        # a unique id prefix of 6+ characters is enough",
                "  labctl delete server/web-1",
                "  labctl delete server web-1 web-2",
                "  labctl delete user/alice",
                "  labctl delete role/lab-operator",
                "  labctl delete credential/gitea          # refused while a module source uses it",
                "  labctl delete source/greeter            # refused while a build of it runs",
                "  labctl delete environment/staging       # refused while anything is in it"})
public final class DeleteCommand extends LabdCommand {
    @Parameters(paramLabel = "RESOURCE", arity = "1..*",
            description = "token/ID, server/NAME, user/NAME, role/NAME, credential/NAME, source/NAME, environment/NAME,"
                    + " or: TYPE NAME...")
    List<String> args = new ArrayList<>();

    DeleteCommand(Cli cli) {
        super(cli);
    }

    @Override
    public Integer call() {
        List<ResourceRef> refs;
        try {
            refs = ResourceRef.parse(args, "token, server, user, role, credential, source, environment");
            for (ResourceRef r : refs) {
                switch (r.type()) {
                    case "server" -> Names.require("server name", r.name());
                    case "user" -> Names.require("user name", r.name());
                    case "role" -> Names.require("role name", r.name());
                    case "credential" -> io.labctl.protocol.sources.CredentialInfo.requireName(r.name());
                    case "source" -> ModulesCommand.moduleName(r.name());
                    case "environment" -> io.labctl.protocol.environments.EnvironmentInfo.requireName("environment",
                            r.name());
                    default -> TokenInfo.idPrefix(r.name()); // the rule labd applies
                }
            }
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        LabdClient client = client();
        for (ResourceRef r : refs) {
            switch (r.type()) {
                case "server" -> {
                    client.delete(Api.SERVERS + "/" + r.name(), null);
                    cli.out().println("server/" + r.name() + " deleted");
                }
                case "user" -> {
                    client.delete(Api.USERS + "/" + r.name(), null);
                    cli.out().println("user/" + r.name() + " deleted");
                }
                case "role" -> {
                    client.delete(Api.ROLES + "/" + r.name(), null);
                    cli.out().println("role/" + r.name() + " deleted");
                }
                case "credential" -> {
                    client.delete(io.labctl.protocol.sources.CredentialInfo.PATH + "/" + r.name(), null);
                    cli.out().println("credential/" + r.name() + " deleted");
                }
                case "source" -> {
                    client.delete(io.labctl.protocol.sources.SourceInfo.PATH + "/" + r.name(), null);
                    cli.out().println("source/" + r.name() + " deleted (its published versions stay)");
                }
                case "environment" -> {
                    client.delete(io.labctl.protocol.environments.EnvironmentInfo.PATH + "/" + r.name(), null);
                    cli.out().println("environment/" + r.name() + " deleted");
                }
                default -> {
                    TokenInfo t = client.delete(Api.TOKENS + "/" + r.name(), TokenInfo.class);
                    cli.out().println("token/" + (t != null && t.id() != null ? t.id() : r.name()) + " revoked");
                }
            }
            cli.out().flush();
        }
        return ExitCodes.OK;
    }
}
