package io.labctl.cli.cmd;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.labctl.cli.CliException;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.http.LabdClient;
import io.labctl.protocol.Json;
import io.labctl.protocol.Names;
import io.labctl.protocol.kube.ClusterInfo;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code labctl logs app/NAME}: the logs of an app's pods, read through labd's kubectl proxy, so that every request
 * is checked (kubectl on the cluster) and audited as kubectl's are. Until apps are deployed by labd, an app is the
 * pods labelled {@code app.kubernetes.io/name=NAME}, the label Kubernetes recommends and Helm charts set.
 */
final class AppLogs {
    static final String LABEL = "app.kubernetes.io/name";

    private final LabdClient labd;
    private final PrintWriter out;

    AppLogs(LabdClient labd, PrintWriter out) {
        this.labd = labd;
        this.out = out;
    }

    /** One pod's container whose log is read. */
    record Stream(String namespace, String pod, String container) {}

    int print(String app, String cluster, String namespace, String container, boolean follow, Integer lines) {
        String name = requireLabelValue(app);
        String clusterName = cluster != null ? KubectlCommand.clusterName(cluster) : onlyCluster();
        String ns = namespace == null ? "default" : Names.require("namespace", namespace);
        String base = "/proxy/kube/" + clusterName + "/api/v1/namespaces/" + ns + "/pods";
        JsonNode pods = labd.get(base + "?labelSelector=" + URLEncoder.encode(LABEL + "=" + name, StandardCharsets.UTF_8),
                JsonNode.class);
        List<Stream> streams = new ArrayList<>();
        for (JsonNode pod : pods.path("items")) {
            // the selector is the API server's to apply; checked again here, so no other app's log is printed
            if (!name.equals(pod.path("metadata").path("labels").path(LABEL).asText(null))) {
                continue;
            }
            for (JsonNode c : pod.path("spec").path("containers")) {
                String cname = c.path("name").asText();
                if (container == null || container.equals(cname)) {
                    streams.add(new Stream(ns, pod.path("metadata").path("name").asText(), cname));
                }
            }
        }
        if (streams.isEmpty()) {
            throw CliException.refused("no pods of app " + name + (container == null ? "" : " with a container "
                    + container) + " in namespace " + ns + " of cluster " + clusterName + " (label " + LABEL + "="
                    + name + "); see 'labctl kubectl --cluster " + clusterName + " -- get pods -n " + ns + " --show-labels'");
        }
        boolean prefix = streams.size() > 1;
        if (!follow) {
            for (Stream s : streams) {
                read(base, s, false, lines, prefix);
            }
            return ExitCodes.OK;
        }
        // following: every stream at once, each line printed whole as it comes
        AtomicReference<RuntimeException> failed = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (Stream s : streams) {
            Thread t = new Thread(() -> {
                try {
                    read(base, s, true, lines, prefix);
                } catch (RuntimeException e) {
                    failed.compareAndSet(null, e);
                }
            }, "logs-" + s.pod());
            t.setDaemon(true);
            t.start();
            readers.add(t);
        }
        for (Thread t : readers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.CANCELLED;
            }
        }
        if (failed.get() != null) {
            throw failed.get();
        }
        return ExitCodes.OK;
    }

    private void read(String base, Stream s, boolean follow, Integer lines, boolean prefix) {
        StringBuilder query = new StringBuilder("?container=").append(URLEncoder.encode(s.container(), StandardCharsets.UTF_8));
        if (follow) {
            query.append("&follow=true");
        }
        if (lines != null) {
            query.append("&tailLines=").append(lines);
        }
        String tag = prefix ? "[" + s.pod() + "/" + s.container() + "] " : "";
        labd.getLines(base + "/" + s.pod() + "/log" + query, line -> {
            synchronized (out) {
                out.println(tag + line);
                out.flush();
            }
        });
    }

    /** Without --cluster: the one cluster the user may see, else a usage error naming them. */
    private String onlyCluster() {
        List<ClusterInfo> clusters;
        try {
            clusters = labd.get(ClusterInfo.PATH, Json.json().getTypeFactory()
                    .constructType(new TypeReference<List<ClusterInfo>>() {}));
        } catch (io.labctl.cli.http.LabdRefusal e) {
            throw CliException.usage("name the cluster with --cluster NAME (labd does not let you list clusters: "
                    + e.getMessage() + ")");
        }
        if (clusters.size() == 1) {
            return clusters.get(0).name();
        }
        throw CliException.usage(clusters.isEmpty() ? "no cluster is registered that you may read; see 'labctl clusters"
                + " list'" : "name the cluster with --cluster: " + String.join(", ", clusters.stream()
                .map(ClusterInfo::name).toList()));
    }

    /** A label value: up to 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit. */
    static String requireLabelValue(String app) {
        if (app == null || !app.matches("[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?")) {
            throw CliException.usage("app name '" + app + "' is not a label value: use up to 63 letters, digits, '-',"
                    + " '_' and '.', starting and ending with a letter or digit");
        }
        return app;
    }
}
