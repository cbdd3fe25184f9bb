package io.labctl.registry.internal;

import io.labctl.api.environments.EnvironmentContents;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.persistence.Sessions;
import io.labctl.protocol.environments.EnvironmentInfo;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Tells environments which servers and bastions (servers with role bastion) are in an environment. */
@Component(service = EnvironmentContents.class)
public final class ServersInEnvironments implements EnvironmentContents {
    private final Sessions sessions;

    @Activate
    public ServersInEnvironments(@Reference Database database,
            @Reference(target = "(labctl.schema=registry)") Schema schema) {
        this.sessions = database.sessions(ServerMapper.class);
    }

    @Override
    public List<EnvironmentInfo.Contents> in(String environment, int limit) {
        return sessions.mapper(ServerMapper.class, m -> List.of(
                new EnvironmentInfo.Contents("bastions", m.countIn(environment, true), m.namesIn(environment, true, limit)),
                new EnvironmentInfo.Contents("servers", m.countIn(environment, false),
                        m.namesIn(environment, false, limit))));
    }
}
