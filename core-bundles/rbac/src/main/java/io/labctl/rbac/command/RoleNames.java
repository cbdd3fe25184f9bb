package io.labctl.rbac.command;

import io.labctl.protocol.access.RoleInfo;
import io.labctl.shell.NameCompleter;
import java.util.Collection;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Completes role names. */
@Service
public class RoleNames extends NameCompleter {
    @Override
    protected Collection<String> names() {
        return access() == null ? List.of() : access().roles().stream().map(RoleInfo::name).toList();
    }
}
