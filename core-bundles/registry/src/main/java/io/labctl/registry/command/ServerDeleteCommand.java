package io.labctl.registry.command;

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
        int revoked = need(registry, REGISTRY).remove(caller(), name);
        out.println("server/" + name + " deleted; " + revoked + " agent certificate(s) revoked.");
    }
}
