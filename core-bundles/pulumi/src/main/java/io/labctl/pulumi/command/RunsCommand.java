package io.labctl.pulumi.command;

import io.labctl.protocol.pulumi.PulumiRun;
import io.labctl.pulumi.internal.RunService;
import io.labctl.shell.LabCommand;
import io.labctl.shell.Table;
import java.io.PrintStream;
import java.util.List;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:runs: the Pulumi runs the user may read, newest first, as GET /api/v1/runs lists them. */
@Service
@Command(scope = "lab", name = "runs", description = "List Pulumi runs (plans, applies, destroys, app installs ...).")
public class RunsCommand extends LabCommand {
    static final Capability RUNS = new Capability("Pulumi runs", "labd-pulumi");

    @Reference(optional = true)
    RunService runs;

    @Option(name = "--env", description = "only the runs of this environment")
    String environment;

    @Option(name = "--app", description = "only the runs of this app")
    String app;

    @Option(name = "--limit", description = "at most this many (default 50)")
    int limit = 50;

    public RunsCommand() {
        super("shell.pulumi.runs", false);
    }

    @Override
    protected String resource() {
        return PulumiRun.PATH.substring("/api".length()) + (environment == null ? "" : "?env=" + environment)
                + (app == null ? "" : (environment == null ? "?" : "&") + "app=" + app);
    }

    @Override
    protected void run(PrintStream out) {
        List<PulumiRun> list = need(runs, RUNS).list(this::may, environment, app, limit);
        Table t = new Table("ID", "KIND", "STACK", "STATUS", "USER", "STARTED", "CHANGES", "ERROR");
        for (PulumiRun r : list) {
            t.row(r.id(), r.kind(), r.stack(), r.status(), r.user(), Table.ago(r.startedAt(), now()),
                    r.changes() == null ? Table.NONE : r.changes().toString(), r.error() == null ? Table.NONE : r.error());
        }
        out.print(t.isEmpty() ? "No Pulumi run you may read.\n" : t.render());
    }
}
