package io.labctl.system.command;

import io.labctl.protocol.CapabilityInfo;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import io.labctl.shell.LabCommand;
import io.labctl.shell.Table;
import io.labctl.system.internal.LabdFeatures;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:features: labd's capabilities as GET /api/v1/system/features lists them (read everywhere). */
@Service
@Command(scope = "lab", name = "features",
        description = "List labd's capabilities: version, state (with the reason when not active), schema version.")
public class FeaturesCommand extends LabCommand {
    static final Capability SYSTEM = new Capability("system", "labd-system");

    @Reference(optional = true)
    LabdFeatures features;

    public FeaturesCommand() {
        super("shell.system.features", false);
    }

    @Override
    protected String resource() {
        return "/v1/system/features";
    }

    @Override
    protected void run(PrintStream out) throws Exception {
        LabdFeatures labd = need(features, SYSTEM);
        require(Permission.everywhere(Action.READ));
        Table t = new Table("NAME", "VERSION", "STATE", "SCHEMA", "REASON");
        for (CapabilityInfo c : labd.list()) {
            t.row(c.name(), c.version(), c.state(), c.schemaLabel(), c.reason());
        }
        out.print(t.render());
    }
}
