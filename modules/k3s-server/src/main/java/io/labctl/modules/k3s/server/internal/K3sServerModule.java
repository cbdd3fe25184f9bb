package io.labctl.modules.k3s.server.internal;

import io.labctl.module.ConfigurationModule;
import io.labctl.module.DesiredState;
import io.labctl.module.Health;
import io.labctl.module.Inputs;
import io.labctl.module.ModuleContext;
import io.labctl.module.ModuleException;
import io.labctl.modules.support.K3sNode;
import io.labctl.modules.support.YamlText;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** A k3s server node; its join token is the one k3s-agent's {@code token} input must carry. */
@Component(service = ConfigurationModule.class, property = ConfigurationModule.NAME + "=k3s-server")
public final class K3sServerModule implements ConfigurationModule {
    static final K3sNode NODE = new K3sNode("server", "k3s.service");

    @Override
    public DesiredState desiredState(ModuleContext context) throws ModuleException {
        Inputs in = context.inputs();
        String config = new YamlText("k3s server. Written by the k3s-server configuration module: edits are reverted.")
                .scalar("token", in.secret("token").reveal())
                .scalar("node-name", K3sNode.nodeName(context))
                .flag("cluster-init", in.bool("clusterInit"))
                .list("tls-san", in.list("tlsSan"))
                .list("disable", in.list("disable"))
                .list("node-label", in.list("nodeLabels"))
                .render();
        return NODE.desiredState(in, config);
    }

    @Override
    public Health health(ModuleContext context) {
        return K3sNode.nodeReady(context, K3sNode.nodeName(context), List.of());
    }

    @Override
    public DesiredState removal(ModuleContext context) {
        return NODE.removal();
    }
}
