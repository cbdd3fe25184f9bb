package io.labctl.rbac.command;

import io.labctl.api.access.AccessAdministration;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import io.labctl.shell.LabCommand;
import io.labctl.shell.UserNames;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:user-delete: as DELETE /api/v1/users/NAME (admin). */
@Service
@Command(scope = "lab", name = "user-delete", description = "Delete a labctl user, its role bindings and certificates.",
        detailedDescription = "Its certificates are revoked, so its live connections are cut.")
public class UserDeleteCommand extends LabCommand {
    @Reference(optional = true)
    AccessAdministration administration;

    @Argument(index = 0, name = "name", description = "The user", required = true)
    @Completion(UserNames.class)
    String name;

    public UserDeleteCommand() {
        super("shell.user.delete", true);
    }

    @Override
    protected String resource() {
        return "/v1/users/" + name;
    }

    @Override
    protected void run(PrintStream out) {
        need(administration, RBAC).deleteUser(caller(), name);
        out.println("user/" + name + " deleted; its role bindings are gone and its certificates revoked.");
    }
}
