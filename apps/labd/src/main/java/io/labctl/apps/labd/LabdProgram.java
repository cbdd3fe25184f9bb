package io.labctl.apps.labd;

import com.pulumi.Context;
import com.pulumi.Pulumi;
import com.pulumi.core.Output;
import com.pulumi.kubernetes.apps.v1.StatefulSet;
import com.pulumi.kubernetes.apps.v1.StatefulSetArgs;
import com.pulumi.kubernetes.apps.v1.inputs.StatefulSetSpecArgs;
import com.pulumi.kubernetes.core.v1.ConfigMap;
import com.pulumi.kubernetes.core.v1.ConfigMapArgs;
import com.pulumi.kubernetes.core.v1.Secret;
import com.pulumi.kubernetes.core.v1.SecretArgs;
import com.pulumi.kubernetes.core.v1.Service;
import com.pulumi.kubernetes.core.v1.ServiceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ConfigMapVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ContainerArgs;
import com.pulumi.kubernetes.core.v1.inputs.ContainerPortArgs;
import com.pulumi.kubernetes.core.v1.inputs.PersistentVolumeClaimArgs;
import com.pulumi.kubernetes.core.v1.inputs.PersistentVolumeClaimSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodTemplateSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.ProbeArgs;
import com.pulumi.kubernetes.core.v1.inputs.ResourceRequirementsArgs;
import com.pulumi.kubernetes.core.v1.inputs.SecretVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ServicePortArgs;
import com.pulumi.kubernetes.core.v1.inputs.ServiceSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.TCPSocketActionArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeMountArgs;
import com.pulumi.kubernetes.meta.v1.inputs.LabelSelectorArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.resources.CustomResourceOptions;
import io.labctl.apps.support.App;
import java.util.Base64;
import java.util.Map;

/**
 * labd on Kubernetes: a StatefulSet (each instance keeps its data/ on its own volume) on an external PostgreSQL,
 * a Service for labctl and agents, and a headless Service through which instances reach each other (a request that
 * lands on the instance not holding an agent's connection is forwarded to the one that does). The database password
 * and the master key that seals the CA key are Secrets mounted as files, never environment or ConfigMap values;
 * every instance mounts the same master key, so any of them opens the CA.
 */
public final class LabdProgram {
    static final String HOME = "/opt/labd";
    static final String SECRETS = "/run/secrets/labd";

    private LabdProgram() {}

    public static void main(String[] args) {
        Pulumi.run(LabdProgram::define);
    }

    public static void define(Context ctx) {
        App app = App.load(ctx, LabdProgram.class);
        Output<String> masterKey = app.secret("masterKey", LabdProgram::isMasterKey,
                "must be the base64 of 32 random bytes: make one with head -c 32 /dev/urandom | base64");
        String ns = app.string("namespace");
        CustomResourceOptions inNs = app.namespace(ns, app.flag("createNamespace"));
        int port = app.integer("port");

        Secret secrets = new Secret("labd-secrets", SecretArgs.builder()
                .metadata(app.meta("labd-secrets", ns))
                .type("Opaque")
                .stringData(app.secret("databasePassword").applyValue(p -> Map.of("database-password", p)))
                // data is base64 on the wire: the mounted file holds the key's 32 raw bytes, as labd reads it
                .data(masterKey.applyValue(k -> Map.of("labd-master.key", k.trim())))
                .build(), inNs);

        String persistenceCfg = "jdbcUrl = " + app.string("databaseUrl") + "\n"
                + "user = " + app.string("databaseUser") + "\n"
                + "passwordFile = " + SECRETS + "/database-password\n"
                + "poolSize = " + app.integer("poolSize") + "\n";
        String caCfg = "masterKeyFile = " + SECRETS + "/labd-master.key\n";
        String webCfg = "port = " + port + "\n";
        ConfigMap config = new ConfigMap("labd", ConfigMapArgs.builder()
                .metadata(app.meta("labd", ns))
                .data(Map.of("io.labctl.persistence.cfg", persistenceCfg, "io.labctl.ca.cfg", caCfg,
                        "io.labctl.web.cfg", webCfg))
                .build(), inNs);

        Service service = new Service("labd", ServiceArgs.builder()
                .metadata(app.meta("labd", ns))
                .spec(ServiceSpecArgs.builder()
                        .selector(app.selectorLabels())
                        .ports(ServicePortArgs.builder().name("https").port(port).targetPort(port).protocol("TCP")
                                .build())
                        .build())
                .build(), inNs);
        Service peers = new Service("labd-peers", ServiceArgs.builder()
                .metadata(app.meta("labd-peers", ns))
                .spec(ServiceSpecArgs.builder()
                        .clusterIP("None")
                        .publishNotReadyAddresses(true)
                        .selector(app.selectorLabels())
                        .ports(ServicePortArgs.builder().name("https").port(port).targetPort(port).protocol("TCP")
                                .build())
                        .build())
                .build(), inNs);

        StatefulSet statefulSet = new StatefulSet("labd", StatefulSetArgs.builder()
                .metadata(app.meta("labd", ns))
                .spec(StatefulSetSpecArgs.builder()
                        .serviceName("labd-peers")
                        .replicas(app.integer("replicas"))
                        // instances share nothing but the database: start and replace them side by side
                        .podManagementPolicy("Parallel")
                        .selector(LabelSelectorArgs.builder().matchLabels(app.selectorLabels()).build())
                        .template(PodTemplateSpecArgs.builder()
                                .metadata(ObjectMetaArgs.builder().labels(app.labels()).build())
                                .spec(PodSpecArgs.builder()
                                        .containers(ContainerArgs.builder()
                                                .name("labd")
                                                .image(app.string("image"))
                                                .ports(ContainerPortArgs.builder().name("https").containerPort(port)
                                                        .protocol("TCP").build())
                                                .readinessProbe(ProbeArgs.builder().tcpSocket(
                                                        TCPSocketActionArgs.builder().port(port).build()).build())
                                                .volumeMounts(
                                                        cfg("io.labctl.persistence.cfg"), cfg("io.labctl.ca.cfg"),
                                                        cfg("io.labctl.web.cfg"),
                                                        VolumeMountArgs.builder().name("secrets").mountPath(SECRETS)
                                                                .readOnly(true).build(),
                                                        VolumeMountArgs.builder().name("data")
                                                                .mountPath(HOME + "/data").build())
                                                .build())
                                        .volumes(
                                                VolumeArgs.builder().name("config").configMap(
                                                        ConfigMapVolumeSourceArgs.builder().name("labd").build())
                                                        .build(),
                                                VolumeArgs.builder().name("secrets").secret(
                                                        SecretVolumeSourceArgs.builder().secretName("labd-secrets")
                                                                .defaultMode(0400).build())
                                                        .build())
                                        .build())
                                .build())
                        .volumeClaimTemplates(PersistentVolumeClaimArgs.builder()
                                .metadata(ObjectMetaArgs.builder().name("data").labels(app.labels()).build())
                                .spec(claim(app))
                                .build())
                        .build())
                .build(), CustomResourceOptions.merge(inNs, CustomResourceOptions.builder()
                        .dependsOn(secrets, config, service, peers).build()));

        ctx.export("namespace", Output.of(ns));
        ctx.export("statefulSet", statefulSet.metadata().applyValue(m -> m.name().orElse("labd")));
        ctx.export("url", Output.of("https://labd." + ns + ".svc.cluster.local:" + port));
        ctx.export("databaseUrl", Output.of(app.string("databaseUrl")));
    }

    static boolean isMasterKey(String base64) {
        try {
            return Base64.getDecoder().decode(base64.trim()).length == 32;
        } catch (IllegalArgumentException ex) {
            return false;
        }
    }

    private static PersistentVolumeClaimSpecArgs claim(App app) {
        PersistentVolumeClaimSpecArgs.Builder b = PersistentVolumeClaimSpecArgs.builder()
                .accessModes("ReadWriteOnce")
                .resources(ResourceRequirementsArgs.builder()
                        .requests(Map.of("storage", app.string("storageSize"))).build());
        // empty: the cluster's default storage class
        if (!app.string("storageClass").isEmpty()) {
            b.storageClassName(app.string("storageClass"));
        }
        return b.build();
    }

    private static VolumeMountArgs cfg(String file) {
        return VolumeMountArgs.builder().name("config").mountPath(HOME + "/etc/" + file).subPath(file).readOnly(true)
                .build();
    }
}
