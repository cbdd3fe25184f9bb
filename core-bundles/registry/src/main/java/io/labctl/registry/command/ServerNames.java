package io.labctl.registry.command;

import io.labctl.api.ServerRegistry;
import io.labctl.protocol.Selector;
import io.labctl.protocol.ServerInfo;
import io.labctl.shell.NameCompleter;
import java.util.Collection;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Completes server names. */
@Service
public class ServerNames extends NameCompleter {
    @Reference(optional = true)
    ServerRegistry registry;

    @Override
    protected Collection<String> names() {
        return registry == null ? List.of()
                : registry.list(Selector.everything()).stream().map(ServerInfo::name).toList();
    }
}
