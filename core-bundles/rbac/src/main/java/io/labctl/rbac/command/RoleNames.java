package io.labctl.rbac.command;

import io.labctl.api.access.AccessAdministration;
import io.labctl.protocol.access.RoleInfo;
import io.labctl.shell.NameCompleter;
import java.util.Collection;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Completes role names. */
@Service
public class RoleNames extends NameCompleter {
    @Reference(optional = true)
    AccessAdministration administration;

    @Override
    protected Collection<String> names() {
        return administration == null ? List.of()
                : administration.roles(caller()).stream().map(RoleInfo::name).toList();
    }
}
