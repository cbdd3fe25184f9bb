package io.labctl.apps.postgresql;

import com.pulumi.Context;
import com.pulumi.Pulumi;
import com.pulumi.core.Output;
import com.pulumi.kubernetes.apps.v1.StatefulSet;
import com.pulumi.kubernetes.apps.v1.StatefulSetArgs;
import com.pulumi.kubernetes.apps.v1.inputs.StatefulSetSpecArgs;
import com.pulumi.kubernetes.core.v1.Secret;
import com.pulumi.kubernetes.core.v1.SecretArgs;
import com.pulumi.kubernetes.core.v1.Service;
import com.pulumi.kubernetes.core.v1.ServiceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ContainerArgs;
import com.pulumi.kubernetes.core.v1.inputs.ContainerPortArgs;
import com.pulumi.kubernetes.core.v1.inputs.EnvVarArgs;
import com.pulumi.kubernetes.core.v1.inputs.ExecActionArgs;
import com.pulumi.kubernetes.core.v1.inputs.PersistentVolumeClaimArgs;
import com.pulumi.kubernetes.core.v1.inputs.PersistentVolumeClaimSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodSecurityContextArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodTemplateSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.ProbeArgs;
import com.pulumi.kubernetes.core.v1.inputs.ResourceRequirementsArgs;
import com.pulumi.kubernetes.core.v1.inputs.SecretVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ServicePortArgs;
import com.pulumi.kubernetes.core.v1.inputs.ServiceSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeMountArgs;
import com.pulumi.kubernetes.meta.v1.inputs.LabelSelectorArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.resources.CustomResourceOptions;
import io.labctl.apps.support.App;
import java.util.Map;

/**
 * PostgreSQL for labd (in place of CockroachDB, see the README): one instance as a StatefulSet with its volume, a
 * Secret holding the password, mounted as a file (the image's {@code POSTGRES_PASSWORD_FILE}), and a headless
 * Service that is both the StatefulSet's governing service and the address clients use.
 */
public final class PostgresqlProgram {
    static final int PORT = 5432;
    /** The official image's postgres user and group: the volume must be writable by them. */
    static final int POSTGRES_GID = 999;
    static final String SECRETS = "/run/secrets/postgresql";

    private PostgresqlProgram() {}

    public static void main(String[] args) {
        Pulumi.run(PostgresqlProgram::define);
    }

    public static void define(Context ctx) {
        App app = App.load(ctx, PostgresqlProgram.class);
        Output<String> password = app.secret("password");
        String ns = app.string("namespace");
        CustomResourceOptions inNs = app.namespace(ns, app.flag("createNamespace"));
        String database = app.string("database");
        String user = app.string("user");

        Secret secret = new Secret("postgresql", SecretArgs.builder()
                .metadata(app.meta("postgresql", ns))
                .type("Opaque")
                .stringData(password.applyValue(p -> Map.of("password", p)))
                .build(), inNs);

        Service service = new Service("postgresql", ServiceArgs.builder()
                .metadata(app.meta("postgresql", ns))
                .spec(ServiceSpecArgs.builder()
                        .clusterIP("None")
                        .selector(app.selectorLabels())
                        .ports(ServicePortArgs.builder().name("postgresql").port(PORT).targetPort(PORT)
                                .protocol("TCP").build())
                        .build())
                .build(), inNs);

        PersistentVolumeClaimSpecArgs.Builder claim = PersistentVolumeClaimSpecArgs.builder()
                .accessModes("ReadWriteOnce")
                .resources(ResourceRequirementsArgs.builder()
                        .requests(Map.of("storage", app.string("storageSize"))).build());
        if (!app.string("storageClass").isEmpty()) {
            claim.storageClassName(app.string("storageClass"));
        }

        StatefulSet statefulSet = new StatefulSet("postgresql", StatefulSetArgs.builder()
                .metadata(app.meta("postgresql", ns))
                .spec(StatefulSetSpecArgs.builder()
                        .serviceName("postgresql")
                        // one primary: PostgreSQL does not share a data directory, replicas need replication
                        .replicas(1)
                        .selector(LabelSelectorArgs.builder().matchLabels(app.selectorLabels()).build())
                        .template(PodTemplateSpecArgs.builder()
                                .metadata(ObjectMetaArgs.builder().labels(app.labels()).build())
                                .spec(PodSpecArgs.builder()
                                        .securityContext(PodSecurityContextArgs.builder().fsGroup(POSTGRES_GID)
                                                .build())
                                        .containers(ContainerArgs.builder()
                                                .name("postgresql")
                                                .image(app.string("image"))
                                                .ports(ContainerPortArgs.builder().name("postgresql")
                                                        .containerPort(PORT).protocol("TCP").build())
                                                .env(
                                                        env("POSTGRES_DB", database),
                                                        env("POSTGRES_USER", user),
                                                        env("POSTGRES_PASSWORD_FILE", SECRETS + "/password"),
                                                        // a folder below the volume's root, which may hold lost+found
                                                        env("PGDATA", "/var/lib/postgresql/data/pgdata"))
                                                .readinessProbe(ProbeArgs.builder().exec(ExecActionArgs.builder()
                                                        .command("pg_isready", "-U", user, "-d", database)
                                                        .build()).build())
                                                .volumeMounts(
                                                        VolumeMountArgs.builder().name("data")
                                                                .mountPath("/var/lib/postgresql/data").build(),
                                                        VolumeMountArgs.builder().name("secret").mountPath(SECRETS)
                                                                .readOnly(true).build())
                                                .build())
                                        .volumes(VolumeArgs.builder().name("secret").secret(
                                                SecretVolumeSourceArgs.builder().secretName("postgresql")
                                                        .defaultMode(0440).build())
                                                .build())
                                        .build())
                                .build())
                        .volumeClaimTemplates(PersistentVolumeClaimArgs.builder()
                                .metadata(ObjectMetaArgs.builder().name("data").labels(app.labels()).build())
                                .spec(claim.build())
                                .build())
                        .build())
                .build(), CustomResourceOptions.merge(inNs, CustomResourceOptions.builder()
                        .dependsOn(secret, service).build()));

        String host = "postgresql." + ns + ".svc.cluster.local";
        ctx.export("statefulSet", statefulSet.metadata().applyValue(m -> m.name().orElse("postgresql")));
        ctx.export("host", Output.of(host));
        ctx.export("port", Output.of(PORT));
        ctx.export("database", Output.of(database));
        ctx.export("user", Output.of(user));
        ctx.export("jdbcUrl", Output.of("jdbc:postgresql://" + host + ":" + PORT + "/" + database));
        // for the apps that use this database (labd's databasePassword); secret in state and in every display
        ctx.export("password", password);
    }

    private static EnvVarArgs env(String name, String value) {
        return EnvVarArgs.builder().name(name).value(value).build();
    }
}
