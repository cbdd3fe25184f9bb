package io.labctl.shell;

import io.labctl.api.access.AccessAdministration;
import io.labctl.protocol.access.UserInfo;
import java.util.Collection;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.annotation.versioning.ProviderType;

/** Completes labctl user names. */
@ProviderType
@Service
public class UserNames extends NameCompleter {
    @Reference(optional = true)
    AccessAdministration administration;

    @Override
    protected Collection<String> names() {
        return administration == null ? List.of()
                : administration.users(caller()).stream().map(UserInfo::name).toList();
    }
}
