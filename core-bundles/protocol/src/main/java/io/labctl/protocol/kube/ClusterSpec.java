package io.labctl.protocol.kube;

/**
 * What {@code labctl clusters add} sends: the cluster's name, the environment (and cloud) it belongs to, a kubeconfig
 * with exactly one context and its credentials inlined ({@link Kubeconfig#minify}), and whether labd should first
 * check that the API server answers with those credentials. labd seals the kubeconfig and never shows it again.
 */
public record ClusterSpec(String name, String environment, String cloud, String kubeconfig, Boolean verify) {
    @Override
    public String toString() {
        return "ClusterSpec[name=" + name + ", environment=" + environment + ", cloud=" + cloud + ", kubeconfig=******"
                + ", verify=" + verify + "]";
    }
}
