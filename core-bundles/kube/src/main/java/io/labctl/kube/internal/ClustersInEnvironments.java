package io.labctl.kube.internal;

import io.labctl.api.environments.EnvironmentContents;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.persistence.Sessions;
import io.labctl.protocol.environments.EnvironmentInfo;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Tells environments which clusters are in an environment. */
@Component(service = EnvironmentContents.class)
public final class ClustersInEnvironments implements EnvironmentContents {
    private final Sessions sessions;

    @Activate
    public ClustersInEnvironments(@Reference Database database,
            @Reference(target = "(labctl.schema=kube)") Schema schema) {
        this.sessions = database.sessions(KubeMapper.class);
    }

    @Override
    public List<EnvironmentInfo.Contents> in(String environment, int limit) {
        return sessions.mapper(KubeMapper.class, m -> List.of(
                new EnvironmentInfo.Contents("clusters", m.countIn(environment), m.namesIn(environment, limit))));
    }
}
