package io.labctl.pulumi.command;

import io.labctl.protocol.apps.AppRelease;
import io.labctl.protocol.apps.AppSummary;
import io.labctl.pulumi.internal.AppService;
import io.labctl.shell.LabCommand;
import io.labctl.shell.Table;
import java.io.PrintStream;
import java.util.List;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:apps: the apps in labd's repository and where they are installed, as GET /api/v1/apps lists them. */
@Service
@Command(scope = "lab", name = "apps", description = "List apps: their versions and their installs per environment.")
public class AppsCommand extends LabCommand {
    static final Capability APPS = new Capability("apps (and the bundle repository they come from)", "labd-pulumi");

    @Reference(optional = true)
    AppService apps;

    public AppsCommand() {
        super("shell.apps.list", false);
    }

    @Override
    protected String resource() {
        return AppSummary.PATH.substring("/api".length());
    }

    @Override
    protected void run(PrintStream out) {
        List<AppSummary> list = need(apps, APPS).list(this::may);
        Table t = new Table("NAME", "VERSIONS", "ENVIRONMENT", "REVISION", "VERSION", "STATUS");
        for (AppSummary a : list) {
            if (a.releases().isEmpty()) {
                t.row(a.name(), Table.list(a.versions()), Table.NONE, Table.NONE, Table.NONE, "not installed");
            }
            for (AppRelease r : a.releases()) {
                t.row(a.name(), Table.list(a.versions()), r.environment(),
                        r.deployed() == null ? Table.NONE : r.deployed().revision(),
                        r.deployed() == null ? Table.NONE : r.deployed().version(), r.status());
            }
        }
        out.print(t.isEmpty() ? "No apps in labd's repository.\n" : t.render());
    }
}
