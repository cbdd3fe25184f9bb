package io.labctl.rbac.command;

import io.labctl.api.access.AccessAdministration;
import io.labctl.protocol.access.UserInfo;
import io.labctl.shell.LabCommand;
import io.labctl.shell.Table;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:users: labctl users and their roles, as GET /api/v1/users (read). */
@Service
@Command(scope = "lab", name = "users", description = "List labctl users and the roles bound to them.")
public class UsersCommand extends LabCommand {
    @Reference(optional = true)
    AccessAdministration administration;

    public UsersCommand() {
        super("shell.user.list", false);
    }

    @Override
    protected String resource() {
        return "/v1/users";
    }

    @Override
    protected void run(PrintStream out) {
        Table t = new Table("NAME", "ROLES", "CREATED", "CREATED-BY");
        for (UserInfo u : need(administration, RBAC).users(caller())) {
            t.row(u.name(), Table.list(u.roles()), Table.ago(u.createdAt(), now()), u.createdBy());
        }
        out.print(t.isEmpty() ? "No users.\n" : t.render());
    }
}
