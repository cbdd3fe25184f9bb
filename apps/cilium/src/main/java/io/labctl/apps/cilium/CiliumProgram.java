package io.labctl.apps.cilium;

import com.pulumi.Context;
import com.pulumi.Pulumi;
import com.pulumi.core.Output;
import com.pulumi.kubernetes.helm.v3.Release;
import com.pulumi.kubernetes.helm.v3.ReleaseArgs;
import com.pulumi.kubernetes.helm.v3.inputs.RepositoryOptsArgs;
import io.labctl.apps.support.App;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Cilium CNI from its own Helm chart (https://helm.cilium.io) through the Kubernetes provider's Helm release:
 * the chart's values come from the app's inputs, with {@code values} merged over them for anything else the chart
 * takes. The release is atomic: a failed install or upgrade is rolled back by Helm rather than leaving a cluster
 * with a half-upgraded network.
 */
public final class CiliumProgram {
    static final String REPO = "https://helm.cilium.io";

    private CiliumProgram() {}

    public static void main(String[] args) {
        Pulumi.run(CiliumProgram::define);
    }

    public static void define(Context ctx) {
        App app = App.load(ctx, CiliumProgram.class);
        boolean kubeProxyReplacement = app.flag("kubeProxyReplacement");
        // without kube-proxy, nothing else routes Cilium itself to the API server's Service address
        if (kubeProxyReplacement && app.string("k8sServiceHost").isEmpty()) {
            throw new IllegalArgumentException("app cilium: input k8sServiceHost is required when"
                    + " kubeProxyReplacement is true: give the API server's address as the nodes reach it"
                    + " (--set k8sServiceHost=10.0.0.10)");
        }
        String ns = app.string("namespace");
        String version = app.string("version");

        Map<String, Object> values = new LinkedHashMap<>();
        values.put("kubeProxyReplacement", kubeProxyReplacement);
        if (!app.string("k8sServiceHost").isEmpty()) {
            values.put("k8sServiceHost", app.string("k8sServiceHost"));
            values.put("k8sServicePort", app.integer("k8sServicePort"));
        }
        values.put("ipam", Map.of("mode", app.string("ipamMode")));
        values.put("operator", Map.of("replicas", app.integer("operatorReplicas")));
        values.put("hubble", Map.of("enabled", app.flag("hubble")));
        values.put("commonLabels", app.labels());
        Map<String, Object> merged = merge(values, app.object("values"));

        Release release = new Release("cilium", ReleaseArgs.builder()
                .name("cilium")
                .chart("cilium")
                .version(version)
                .namespace(ns)
                .repositoryOpts(RepositoryOptsArgs.builder().repo(REPO).build())
                .values(merged)
                .atomic(true)
                .timeout(app.integer("timeoutSeconds"))
                .build());

        ctx.export("release", release.name());
        ctx.export("namespace", Output.of(ns));
        ctx.export("chartVersion", Output.of(version));
    }

    /** {@code over} merged into {@code base}: mappings merge key by key, anything else replaces. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        over.forEach((k, v) -> {
            Object old = out.get(k);
            if (old instanceof Map<?, ?> o && v instanceof Map<?, ?> n) {
                out.put(k, merge((Map<String, Object>) o, (Map<String, Object>) n));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }
}
