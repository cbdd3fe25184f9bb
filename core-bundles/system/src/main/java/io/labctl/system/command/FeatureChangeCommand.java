package io.labctl.system.command;

import io.labctl.protocol.SystemChange;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import io.labctl.shell.LabCommand;
import io.labctl.shell.Table;
import io.labctl.system.internal.LabdChanges;
import java.io.PrintStream;

/**
 * What lab:features-upgrade, -install and -uninstall share: the same change as their REST routes (admin everywhere),
 * through the same {@link LabdChanges}, which writes its own audit row with versions and digest.
 */
abstract class FeatureChangeCommand extends LabCommand {
    static final Capability CHANGES = new Capability("changes to labd's capabilities", "labd-system");

    FeatureChangeCommand(String verb) {
        // not one transaction with the audit row: Karaf's work and the health check take seconds
        super(verb, false);
    }

    abstract LabdChanges changes();

    abstract SystemChange.Result change(LabdChanges changes, SystemChange.Request request);

    abstract String feature();

    abstract String version();

    @Override
    protected String resource() {
        return "/v1/system/features/" + feature();
    }

    @Override
    protected void run(PrintStream out) throws Exception {
        LabdChanges labd = need(changes(), CHANGES);
        require(Permission.everywhere(Action.ADMIN));
        SystemChange.Result r = change(labd, new SystemChange.Request(feature(), version()));
        Table t = new Table("FEATURE", "RESULT", "FROM", "TO", "SOURCE", "MESSAGE");
        t.row(r.feature(), r.result(), r.from(), r.to(), r.source(), r.message());
        out.print(t.render());
        if (r.sha256() != null) {
            out.println(r.bundle() + " sha256:" + r.sha256());
        }
    }
}
