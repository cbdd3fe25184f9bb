package io.labctl.modules.command;

import io.labctl.modules.internal.ModuleService;
import io.labctl.protocol.modules.ModuleSummary;
import io.labctl.shell.NameCompleter;
import java.util.Collection;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Completes the names of the modules in labd's repository. */
@Service
public class ModuleNames extends NameCompleter {
    @Reference(optional = true)
    ModuleService modules;

    @Override
    protected Collection<String> names() {
        return modules == null ? List.of() : modules.list().stream().map(ModuleSummary::name).toList();
    }
}
