package io.labctl.rbac.command;

import io.labctl.api.access.AccessAdministration;
import io.labctl.protocol.access.Action;
import io.labctl.shell.LabCommand;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:role-delete: as DELETE /api/v1/roles/NAME (manage somewhere; access control checks the rest). */
@Service
@Command(scope = "lab", name = "role-delete", description = "Delete a role and its bindings (built-in roles stay).")
public class RoleDeleteCommand extends LabCommand {
    @Reference(optional = true)
    AccessAdministration administration;

    @Argument(index = 0, name = "name", description = "The role", required = true)
    @Completion(RoleNames.class)
    String name;

    public RoleDeleteCommand() {
        super("shell.role.delete", true);
    }

    @Override
    protected String resource() {
        return "/v1/roles/" + name;
    }

    @Override
    protected void run(PrintStream out) {
        need(administration, RBAC).deleteRole(caller(), name);
        out.println("role/" + name + " deleted.");
    }
}
