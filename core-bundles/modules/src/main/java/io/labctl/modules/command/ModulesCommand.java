package io.labctl.modules.command;

import io.labctl.modules.internal.ModuleService;
import io.labctl.protocol.modules.ModuleSummary;
import io.labctl.protocol.modules.ServerModuleStatus;
import io.labctl.shell.LabCommand;
import io.labctl.shell.Table;
import java.io.PrintStream;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * lab:modules: the modules in labd's repository as GET /api/v1/modules lists them, or with --status each module's
 * state on the servers the user may read, as GET /api/v1/modules/status does.
 */
@Service
@Command(scope = "lab", name = "modules", description = "List configuration modules, or (--status) their state per server.")
public class ModulesCommand extends LabCommand {
    static final Capability MODULES = new Capability("configuration modules", "labd-modules");

    @Reference(optional = true)
    ModuleService modules;

    @Option(name = "--status", aliases = "-s", description = "each module's state on each server (converged, drifted, failed, pending)")
    boolean status;

    @Argument(index = 0, name = "module", description = "only this module (with --status)", required = false)
    @Completion(ModuleNames.class)
    String module;

    public ModulesCommand() {
        super("shell.module.list", false);
    }

    @Override
    protected String resource() {
        return status ? "/v1/modules/status" + (module == null ? "" : "?module=" + module) : "/v1/modules";
    }

    @Override
    protected void run(PrintStream out) {
        ModuleService service = need(modules, MODULES);
        if (status) {
            Table t = new Table("MODULE", "SERVER", "VERSION", "REV", "STATE", "LAST RUN", "LAST CHECK", "DETAIL");
            for (ServerModuleStatus s : service.status(caller(), module, null, null, false)) {
                t.row(s.module(), s.server(), s.version(), s.revision(), s.state(), Table.ago(s.lastRun(), now()),
                        Table.ago(s.lastCheck(), now()), s.detail());
            }
            out.print(t.isEmpty() ? "No module is assigned to a server you may read.\n" : t.render());
            return;
        }
        Table t = new Table("NAME", "NEWEST", "VERSIONS", "ASSIGNMENTS", "DESCRIPTION");
        List<ModuleSummary> list = service.list();
        for (ModuleSummary m : list) {
            t.row(m.name(), m.newestVersion(), Table.list(m.versions()), m.assignments(), m.description());
        }
        out.print(t.isEmpty() ? "No modules in labd's repository.\n" : t.render());
    }
}
