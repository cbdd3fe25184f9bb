package io.labctl.rbac.command;

import io.labctl.api.access.AccessAdministration;
import io.labctl.protocol.access.RoleInfo;
import io.labctl.protocol.access.RoleSpec;
import io.labctl.shell.LabCommand;
import io.labctl.shell.Table;
import java.io.PrintStream;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:role-create: as POST /api/v1/roles (manage somewhere; access control checks scope and escalation). */
@Service
@Command(scope = "lab", name = "role-create", description = "Create a role from allow and deny rules.",
        detailedDescription = "Each rule is action:cloud:environment:server, every segment a name or *, e.g. "
                + "--allow exec:baremetal:lab:* --allow read:*:*:* --deny exec:*:prod:*. Deny beats allow.")
public class RoleCreateCommand extends LabCommand {
    @Reference(optional = true)
    AccessAdministration administration;

    @Argument(index = 0, name = "name", description = "The new role", required = true)
    String name;

    @Option(name = "--allow", description = "A permission the role grants; repeatable", multiValued = true)
    List<String> allow;

    @Option(name = "--deny", description = "A permission the role takes away, over any allow; repeatable",
            multiValued = true)
    List<String> deny;

    @Option(name = "--description", description = "What the role is for")
    String description;

    public RoleCreateCommand() {
        super("shell.role.create", true);
    }

    @Override
    protected String resource() {
        return "/v1/roles/" + name; // the role it creates
    }

    @Override
    protected void run(PrintStream out) {
        RoleInfo r = need(administration, RBAC).createRole(caller(), new RoleSpec(name, description, allow, deny));
        out.println("role/" + r.name() + " created: allow " + Table.list(r.allow()) + ", deny " + Table.list(r.deny())
                + ". Bind it with lab:bind " + r.name() + " USER.");
    }
}
