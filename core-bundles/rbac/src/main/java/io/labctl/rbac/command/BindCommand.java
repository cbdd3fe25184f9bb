package io.labctl.rbac.command;

import io.labctl.api.access.AccessAdministration;
import io.labctl.protocol.access.Action;
import io.labctl.shell.LabCommand;
import io.labctl.shell.UserNames;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:bind: as PUT /api/v1/roles/ROLE/users/USER (manage somewhere; access control checks scope and escalation). */
@Service
@Command(scope = "lab", name = "bind", description = "Bind a role to a user.")
public class BindCommand extends LabCommand {
    @Reference(optional = true)
    AccessAdministration administration;

    @Argument(index = 0, name = "role", description = "The role", required = true)
    @Completion(RoleNames.class)
    String role;

    @Argument(index = 1, name = "user", description = "The user", required = true)
    @Completion(UserNames.class)
    String user;

    public BindCommand() {
        super("shell.role.bind", true);
    }

    @Override
    protected String resource() {
        return "/v1/roles/" + role + "/users/" + user;
    }

    @Override
    protected void run(PrintStream out) {
        need(administration, RBAC).bind(caller(), role, user);
        out.println("role/" + role + " bound to user/" + user + ".");
    }
}
