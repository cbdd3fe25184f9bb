package io.labctl.modules.k3s.agent.internal;

import io.labctl.module.ConfigurationModule;
import io.labctl.module.DesiredState;
import io.labctl.module.Health;
import io.labctl.module.Inputs;
import io.labctl.module.ModuleContext;
import io.labctl.module.ModuleException;
import io.labctl.modules.support.InputChecks;
import io.labctl.modules.support.K3sNode;
import io.labctl.modules.support.YamlText;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** A k3s agent node joining the server named by {@code server} with the server's join token. */
@Component(service = ConfigurationModule.class, property = ConfigurationModule.NAME + "=k3s-agent")
public final class K3sAgentModule implements ConfigurationModule {
    static final K3sNode NODE = new K3sNode("agent", "k3s-agent.service");
    /** An agent has no admin kubeconfig; the kubelet's credentials may read its own Node object. */
    static final List<String> KUBELET_CREDENTIALS =
            List.of("--kubeconfig", "/var/lib/rancher/k3s/agent/kubelet.kubeconfig");

    @Override
    public DesiredState desiredState(ModuleContext context) throws ModuleException {
        Inputs in = context.inputs();
        String server = InputChecks.httpsUrl("server", in.string("server"), "https://k3s-1.example.org:6443");
        String config = new YamlText("k3s agent. Written by the k3s-agent configuration module: edits are reverted.")
                .scalar("server", server)
                .scalar("token", in.secret("token").reveal())
                .scalar("node-name", K3sNode.nodeName(context))
                .list("node-label", in.list("nodeLabels"))
                .render();
        return NODE.desiredState(in, config);
    }

    @Override
    public Health health(ModuleContext context) {
        return K3sNode.nodeReady(context, K3sNode.nodeName(context), KUBELET_CREDENTIALS);
    }

    @Override
    public DesiredState removal(ModuleContext context) {
        return NODE.removal();
    }
}
