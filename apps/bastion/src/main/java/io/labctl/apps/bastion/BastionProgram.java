package io.labctl.apps.bastion;

import com.pulumi.Context;
import com.pulumi.Pulumi;
import com.pulumi.core.Output;
import com.pulumi.kubernetes.apps.v1.Deployment;
import com.pulumi.kubernetes.apps.v1.DeploymentArgs;
import com.pulumi.kubernetes.apps.v1.inputs.DeploymentSpecArgs;
import com.pulumi.kubernetes.apps.v1.inputs.DeploymentStrategyArgs;
import com.pulumi.kubernetes.core.v1.ConfigMap;
import com.pulumi.kubernetes.core.v1.ConfigMapArgs;
import com.pulumi.kubernetes.core.v1.Secret;
import com.pulumi.kubernetes.core.v1.SecretArgs;
import com.pulumi.kubernetes.core.v1.inputs.CapabilitiesArgs;
import com.pulumi.kubernetes.core.v1.inputs.ConfigMapVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ContainerArgs;
import com.pulumi.kubernetes.core.v1.inputs.ContainerPortArgs;
import com.pulumi.kubernetes.core.v1.inputs.HostPathVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodTemplateSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.SecretVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.SecurityContextArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeMountArgs;
import com.pulumi.kubernetes.meta.v1.inputs.LabelSelectorArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.resources.CustomResourceOptions;
import io.labctl.apps.support.App;
import java.util.Map;

/**
 * labctl's bastion on a Kubernetes node of the provisioning network: a lab-agent with the bastion feature, enrolled
 * with a join token, serving DHCP/proxyDHCP, TFTP and the boot HTTP on the node's own interface (host network).
 * One replica, replaced with Recreate: two bastions answering DHCP on one network at once would hand out
 * conflicting offers, and its serverAddress is one node's address.
 */
public final class BastionProgram {
    /** Where the image unpacks lab-agent (its etc/ holds the .cfg files mounted here). */
    static final String AGENT_HOME = "/opt/lab-agent";
    static final String TOKEN_DIR = "/run/secrets/labctl";
    /** On the node, so the bastion's identity (its key and certificate) and DHCP leases survive a restart. */
    static final String STATE_DIR = "/var/lib/labctl/bastion";

    private BastionProgram() {}

    public static void main(String[] args) {
        Pulumi.run(BastionProgram::define);
    }

    public static void define(Context ctx) {
        App app = App.load(ctx, BastionProgram.class);
        String ns = app.string("namespace");
        CustomResourceOptions inNs = app.namespace(ns, app.flag("createNamespace"));
        int httpPort = app.integer("httpPort");

        Secret token = new Secret("bastion-join-token", SecretArgs.builder()
                .metadata(app.meta("bastion-join-token", ns))
                .type("Opaque")
                .stringData(app.secret("joinToken").applyValue(t -> Map.of("join-token", t)))
                .build(), inNs);

        // the agent's and the bastion's own configuration files, as labd's docs give them (docs/provisioning.md)
        String agentCfg = "serverUrl = " + app.string("labdAddress") + "\n"
                + "tokenFile = " + TOKEN_DIR + "/join-token\n"
                + "identityDir = " + STATE_DIR + "/identity\n";
        String bastionCfg = "interfaceName = " + app.string("interfaceName") + "\n"
                + "serverAddress = " + app.string("serverAddress") + "\n"
                + "dhcpMode = " + app.string("dhcpMode") + "\n"
                + "httpPort = " + httpPort + "\n"
                + "environment = " + app.string("environment") + "\n";
        ConfigMap config = new ConfigMap("bastion", ConfigMapArgs.builder()
                .metadata(app.meta("bastion", ns))
                .data(Map.of("io.labctl.agent.cfg", agentCfg, "io.labctl.bastion.cfg", bastionCfg))
                .build(), inNs);

        Deployment deployment = new Deployment("bastion", DeploymentArgs.builder()
                .metadata(app.meta("bastion", ns))
                .spec(DeploymentSpecArgs.builder()
                        .replicas(1)
                        .strategy(DeploymentStrategyArgs.builder().type("Recreate").build())
                        .selector(LabelSelectorArgs.builder().matchLabels(app.selectorLabels()).build())
                        .template(PodTemplateSpecArgs.builder()
                                .metadata(ObjectMetaArgs.builder().labels(app.labels()).build())
                                .spec(PodSpecArgs.builder()
                                        .hostNetwork(true)
                                        .dnsPolicy("ClusterFirstWithHostNet")
                                        .nodeSelector(app.stringMap("nodeSelector"))
                                        .containers(ContainerArgs.builder()
                                                .name("bastion")
                                                .image(app.string("image"))
                                                .ports(port("dhcp", 67, "UDP"), port("proxydhcp", 4011, "UDP"),
                                                        port("tftp", 69, "UDP"), port("http", httpPort, "TCP"))
                                                // raw sockets and ports below 1024, nothing more
                                                .securityContext(SecurityContextArgs.builder()
                                                        .capabilities(CapabilitiesArgs.builder()
                                                                .add("NET_ADMIN", "NET_RAW", "NET_BIND_SERVICE")
                                                                .drop("ALL").build())
                                                        .build())
                                                .volumeMounts(
                                                        mount("config", AGENT_HOME + "/etc/io.labctl.agent.cfg",
                                                                "io.labctl.agent.cfg"),
                                                        mount("config", AGENT_HOME + "/etc/io.labctl.bastion.cfg",
                                                                "io.labctl.bastion.cfg"),
                                                        VolumeMountArgs.builder().name("join-token")
                                                                .mountPath(TOKEN_DIR).readOnly(true).build(),
                                                        VolumeMountArgs.builder().name("state")
                                                                .mountPath(STATE_DIR).build())
                                                .build())
                                        .volumes(
                                                VolumeArgs.builder().name("config").configMap(
                                                        ConfigMapVolumeSourceArgs.builder().name("bastion").build())
                                                        .build(),
                                                VolumeArgs.builder().name("join-token").secret(
                                                        SecretVolumeSourceArgs.builder()
                                                                .secretName("bastion-join-token")
                                                                .defaultMode(0400).build())
                                                        .build(),
                                                VolumeArgs.builder().name("state").hostPath(
                                                        HostPathVolumeSourceArgs.builder().path(STATE_DIR)
                                                                .type("DirectoryOrCreate").build())
                                                        .build())
                                        .build())
                                .build())
                        .build())
                .build(), CustomResourceOptions.merge(inNs,
                        CustomResourceOptions.builder().dependsOn(token, config).build()));

        ctx.export("namespace", Output.of(ns));
        ctx.export("deployment", deployment.metadata().applyValue(m -> m.name().orElse("bastion")));
        ctx.export("bootUrl", Output.of("http://" + app.string("serverAddress") + ":" + httpPort + "/boot.ipxe"));
        ctx.export("joinTokenSecret", Output.of("bastion-join-token"));
    }

    private static ContainerPortArgs port(String name, int port, String protocol) {
        return ContainerPortArgs.builder().name(name).containerPort(port).protocol(protocol).build();
    }

    private static VolumeMountArgs mount(String volume, String path, String key) {
        return VolumeMountArgs.builder().name(volume).mountPath(path).subPath(key).readOnly(true).build();
    }
}
