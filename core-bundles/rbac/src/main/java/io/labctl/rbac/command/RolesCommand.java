package io.labctl.rbac.command;

import io.labctl.api.access.AccessAdministration;
import io.labctl.protocol.access.RoleInfo;
import io.labctl.shell.LabCommand;
import io.labctl.shell.Table;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:roles: roles, their rules and users, as GET /api/v1/roles (read). */
@Service
@Command(scope = "lab", name = "roles", description = "List roles: their allow and deny rules and bound users.")
public class RolesCommand extends LabCommand {
    @Reference(optional = true)
    AccessAdministration administration;

    public RolesCommand() {
        super("shell.role.list", false);
    }

    @Override
    protected String resource() {
        return "/v1/roles";
    }

    @Override
    protected void run(PrintStream out) {
        Table t = new Table("NAME", "BUILTIN", "ALLOW", "DENY", "USERS", "DESCRIPTION");
        for (RoleInfo r : need(administration, RBAC).roles(caller())) {
            t.row(r.name(), r.builtin() ? "yes" : "no", Table.list(r.allow()), Table.list(r.deny()),
                    Table.list(r.users()), r.description());
        }
        out.print(t.isEmpty() ? "No roles.\n" : t.render());
    }
}
