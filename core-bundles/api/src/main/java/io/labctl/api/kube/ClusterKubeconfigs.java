package io.labctl.api.kube;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The registered clusters' credentials, for deployments labd itself runs against a cluster (an app's Pulumi program).
 * The caller decides access first; the kubeconfig goes only to the engine, as secret configuration, never to a user,
 * a log or the audit.
 */
@ProviderType
public interface ClusterKubeconfigs {

    /**
     * The kubeconfig of {@code cluster} (one context, its credentials inline) when the cluster is registered in
     * {@code environment}; empty when there is no such cluster there.
     */
    Optional<String> kubeconfig(String cluster, String environment);
}
