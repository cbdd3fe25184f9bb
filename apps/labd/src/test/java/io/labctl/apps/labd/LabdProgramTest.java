package io.labctl.apps.labd;

import static io.labctl.apps.support.testing.ProgramRun.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pulumi.test.Mocks;
import io.labctl.apps.support.testing.AppFiles;
import io.labctl.apps.support.testing.ProgramRun;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LabdProgramTest {
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final Map<String, String> REQUIRED = Map.of("databasePassword", "pw-secret", "masterKey", KEY);
    private static final Set<String> SECRETS = Set.of("databasePassword", "masterKey");
    private static final String STS = "kubernetes:apps/v1:StatefulSet";

    private static ProgramRun run(Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(REQUIRED);
        config.putAll(extra);
        ProgramRun run = ProgramRun.run("labd", config, SECRETS, LabdProgram::define);
        assertNull(run.error());
        return run;
    }

    private static double number(Object o) {
        return ((Number) o).doubleValue();
    }

    @Test
    void declaresAStatefulSetWithItsVolumeServicesConfigAndSecrets() {
        ProgramRun run = run(Map.of());
        assertEquals(List.of("kubernetes:core/v1:Namespace labctl", "kubernetes:core/v1:Secret labd-secrets",
                "kubernetes:core/v1:ConfigMap labd", "kubernetes:core/v1:Service labd",
                "kubernetes:core/v1:Service labd-peers", STS + " labd"), run.typesAndNames());
        Mocks.ResourceArgs sts = run.resource(STS, "labd");
        assertEquals("labctl", at(sts, "metadata", "namespace"));
        assertEquals("labd", at(sts, "metadata", "labels", "app.kubernetes.io/name"));
        assertEquals("labctl", at(sts, "metadata", "labels", "app.kubernetes.io/managed-by"));
        assertEquals(1.0, number(at(sts, "spec", "replicas")));
        assertEquals("labd-peers", at(sts, "spec", "serviceName"));
        assertEquals("ghcr.io/labctl/labd:0.1.0", at(sts, "spec", "template", "spec", "containers", 0, "image"));
        assertEquals(8443.0, number(at(sts, "spec", "template", "spec", "containers", 0, "ports", 0,
                "containerPort")));
        assertEquals("1Gi", at(sts, "spec", "volumeClaimTemplates", 0, "spec", "resources", "requests", "storage"));
        assertEquals("/opt/labd/data", at(sts, "spec", "template", "spec", "containers", 0, "volumeMounts", 4,
                "mountPath"));
        assertEquals("None", at(run.resource("kubernetes:core/v1:Service", "labd-peers"), "spec", "clusterIP"));
        assertEquals(8443.0, number(at(run.resource("kubernetes:core/v1:Service", "labd"), "spec", "ports", 0,
                "port")));
        String cfg = (String) at(run.resource("kubernetes:core/v1:ConfigMap", "labd"), "data",
                "io.labctl.persistence.cfg");
        assertEquals("jdbcUrl = jdbc:postgresql://postgresql.labctl-db.svc.cluster.local:5432/labd\nuser = labd\n"
                + "passwordFile = /run/secrets/labd/database-password\npoolSize = 10\n", cfg, "values.yaml's URL");
        assertEquals("https://labd.labctl.svc.cluster.local:8443", run.output("url"));
    }

    @Test
    void inputsOverrideDefaults() {
        ProgramRun run = run(Map.of("replicas", "3", "image", "registry.lab/labd:2", "storageSize", "20Gi",
                "storageClass", "fast", "databaseUrl", "jdbc:postgresql://db:5432/x", "port", "9443"));
        Mocks.ResourceArgs sts = run.resource(STS, "labd");
        assertEquals(3.0, number(at(sts, "spec", "replicas")));
        assertEquals("registry.lab/labd:2", at(sts, "spec", "template", "spec", "containers", 0, "image"));
        assertEquals("20Gi", at(sts, "spec", "volumeClaimTemplates", 0, "spec", "resources", "requests", "storage"));
        assertEquals("fast", at(sts, "spec", "volumeClaimTemplates", 0, "spec", "storageClassName"));
        assertEquals(9443.0, number(at(run.resource("kubernetes:core/v1:Service", "labd"), "spec", "ports", 0,
                "port")));
        assertTrue(((String) at(run.resource("kubernetes:core/v1:ConfigMap", "labd"), "data",
                "io.labctl.persistence.cfg")).startsWith("jdbcUrl = jdbc:postgresql://db:5432/x\n"));
    }

    @Test
    void thePasswordAndMasterKeyAreSecretAndOnlyInTheSecret() {
        ProgramRun run = run(Map.of());
        assertEquals(Set.of("data", "stringData"), run.secretProperties("kubernetes:core/v1:Secret", "labd-secrets"));
        assertEquals("pw-secret", at(run.resource("kubernetes:core/v1:Secret", "labd-secrets"), "stringData",
                "database-password"));
        for (Mocks.ResourceArgs r : run.resources()) {
            if (!r.name.equals("labd-secrets")) {
                assertFalse(String.valueOf(r.inputs).contains("pw-secret"), r.type + " holds the password");
                assertFalse(String.valueOf(r.inputs).contains(KEY), r.type + " holds the master key");
            }
        }
        assertFalse(run.outputIsSecret("databaseUrl"));
    }

    @Test
    void missingOrBadSecretsAreNamed() {
        ProgramRun run = ProgramRun.run("labd", Map.of(), SECRETS, LabdProgram::define);
        assertTrue(run.error().contains("input databasePassword is required"), run.error());
        assertTrue(run.error().contains("input masterKey is required"), run.error());
        ProgramRun bad = ProgramRun.run("labd", Map.of("databasePassword", "p", "masterKey", "c2hvcnQ="), SECRETS,
                LabdProgram::define);
        assertEquals("app labd: input masterKey must be the base64 of 32 random bytes: make one with head -c 32"
                + " /dev/urandom | base64", bad.error());
        assertEquals(List.of(), bad.typesAndNames());
    }

    @Test
    void itsValuesPointAtThePostgresqlAppInstalledWithItsDefaults() {
        ProgramRun db = ProgramRun.run("postgresql", Map.of("password", "pw"), Set.of("password"),
                io.labctl.apps.postgresql.PostgresqlProgram::define);
        assertNull(db.error());
        ProgramRun labd = run(Map.of());
        assertEquals(db.output("jdbcUrl"), labd.output("databaseUrl"));
        assertEquals("user = " + db.output("user") + "\n", ((String) at(labd.resource("kubernetes:core/v1:ConfigMap",
                "labd"), "data", "io.labctl.persistence.cfg")).lines().skip(1).findFirst().orElseThrow() + "\n");
    }

    @Test
    void appYamlAndValuesAgree() {
        assertEquals(List.of(), AppFiles.problems(LabdProgram.class));
    }
}
