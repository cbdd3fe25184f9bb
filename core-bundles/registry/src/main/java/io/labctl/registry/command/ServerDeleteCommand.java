package io.labctl.registry.command;

import io.labctl.api.ApiException;
import io.labctl.api.CertificateAuthority;
import io.labctl.api.Identity;
import io.labctl.api.ServerRegistry;
import io.labctl.protocol.access.Action;
import io.labctl.shell.LabCommand;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:server-delete: as DELETE /api/v1/servers/NAME (manage on the server). */
@Service
@Command(scope = "lab", name = "server-delete", description = "Delete a server and revoke its agent's certificates.",
        detailedDescription = "Revokes every certificate of the server's agent first (its live connection is cut), "
                + "then forgets the server. To bring it back, enrol it again with a new join token.")
public class ServerDeleteCommand extends LabCommand {
    @Reference(optional = true)
    ServerRegistry registry;

    @Reference(optional = true)
    CertificateAuthority ca;

    @Argument(index = 0, name = "name", description = "The server", required = true)
    @Completion(ServerNames.class)
    String name;

    public ServerDeleteCommand() {
        super("shell.server.delete", true);
    }

    @Override
    protected String resource() {
        return "/v1/servers/" + name;
    }

    @Override
    protected void run(PrintStream out) {
        ServerRegistry servers = need(registry, REGISTRY);
        CertificateAuthority authority = need(ca, CA);
        require(access().onServer(Action.MANAGE, name));
        if (servers.find(name).isEmpty()) {
            throw ApiException.notFound("server-not-found", "no server named " + name + "; see lab:servers");
        }
        // revoke first: the gateway cuts a live connection as soon as its certificate is revoked
        int revoked = authority.revokeAll(new Identity(Identity.Kind.AGENT, name), "server deleted");
        servers.delete(name);
        out.println("server/" + name + " deleted; " + revoked + " agent certificate(s) revoked.");
    }
}
