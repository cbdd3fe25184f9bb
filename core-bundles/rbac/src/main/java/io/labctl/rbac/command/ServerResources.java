package io.labctl.rbac.command;

import io.labctl.api.ServerRegistry;
import io.labctl.protocol.Selector;
import io.labctl.shell.NameCompleter;
import java.util.Collection;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Completes server/NAME for lab:can-i. */
@Service
public class ServerResources extends NameCompleter {
    static final String PREFIX = "server/";

    @Reference(optional = true)
    ServerRegistry registry;

    @Override
    protected Collection<String> names() {
        return registry == null ? List.of(PREFIX)
                : registry.list(Selector.everything()).stream().map(s -> PREFIX + s.name()).toList();
    }
}
