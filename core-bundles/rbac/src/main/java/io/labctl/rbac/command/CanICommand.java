package io.labctl.rbac.command;

import io.labctl.api.access.AccessAdministration;
import io.labctl.protocol.access.AccessReviewResult;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import io.labctl.shell.LabCommand;
import io.labctl.shell.UserNames;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:can-i: an access review, as POST /api/v1/auth/can-i (any user; access control checks --as itself). */
@Service
@Command(scope = "lab", name = "can-i", description = "Ask whether you, or another user, may do an action somewhere.",
        detailedDescription = "The resource is server/NAME (cloud and environment come from the server's record), "
                + "a scope cloud:environment:server (each a name or *) or * for everywhere. Prints yes or no, the "
                + "permission checked and the rule that decided.")
public class CanICommand extends LabCommand {
    @Reference(optional = true)
    AccessAdministration administration;


    @Argument(index = 0, name = "action", description = "read, exec, apply, destroy, manage, admin or kubectl",
            required = true)
    @Completion(ActionNames.class)
    String action;

    @Argument(index = 1, name = "resource", description = "server/NAME, cloud:environment:server or *", required = true)
    @Completion(ServerResources.class)
    String resource;

    @Option(name = "--as", description = "Ask for this user instead (needs admin everywhere)")
    @Completion(UserNames.class)
    String as;

    public CanICommand() {
        super("shell.auth.can-i", false);
    }

    @Override
    protected String resource() {
        return "/v1/auth/can-i?action=" + action + "&resource=" + resource + (as == null ? "" : "&as=" + as);
    }

    @Override
    protected void run(PrintStream out) {
        Action a = Action.parse(action);
        AccessReviewResult r = need(administration, RBAC).review(caller(), a, request(a), as);
        out.println((r.allowed() ? "yes" : "no") + ": " + r.user() + (r.allowed() ? " may " : " may not ")
                + r.permission() + " (" + r.reason() + ")");
    }

    /** The resource shapes the REST route takes, resolved by access control itself. */
    private Permission request(Action a) {
        return access().resolve(a, resource);
    }
}
