package io.labctl.rbac.command;

import io.labctl.protocol.access.Action;
import io.labctl.shell.NameCompleter;
import java.util.Arrays;
import java.util.Collection;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Completes permission actions (read, exec, ...). */
@Service
public class ActionNames extends NameCompleter {
    @Override
    protected boolean gated() {
        return false;
    }

    @Override
    protected Collection<String> names() {
        return Arrays.stream(Action.values()).map(Action::wire).toList();
    }
}
