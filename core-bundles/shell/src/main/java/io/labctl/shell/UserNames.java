package io.labctl.shell;

import io.labctl.protocol.access.UserInfo;
import java.util.Collection;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Completes labctl user names. */
@Service
public class UserNames extends NameCompleter {
    @Override
    protected Collection<String> names() {
        return access == null ? List.of() : access.users().stream().map(UserInfo::name).toList();
    }
}
