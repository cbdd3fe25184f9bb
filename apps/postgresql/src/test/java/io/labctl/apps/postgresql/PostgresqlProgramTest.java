package io.labctl.apps.postgresql;

import static io.labctl.apps.support.testing.ProgramRun.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pulumi.test.Mocks;
import io.labctl.apps.support.testing.AppFiles;
import io.labctl.apps.support.testing.ProgramRun;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PostgresqlProgramTest {
    private static final String STS = "kubernetes:apps/v1:StatefulSet";

    private static ProgramRun run(Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(Map.of("password", "s3cret-pw"));
        config.putAll(extra);
        ProgramRun run = ProgramRun.run("postgresql", config, Set.of("password"), PostgresqlProgram::define);
        assertNull(run.error());
        return run;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> envOf(Mocks.ResourceArgs sts) {
        Map<String, Object> env = new HashMap<>();
        for (Object e : (List<Object>) at(sts, "spec", "template", "spec", "containers", 0, "env")) {
            env.put((String) ((Map<String, Object>) e).get("name"), ((Map<String, Object>) e).get("value"));
        }
        return env;
    }

    @Test
    void declaresOneInstanceWithVolumeSecretAndService() {
        ProgramRun run = run(Map.of());
        assertEquals(List.of("kubernetes:core/v1:Namespace labctl-db", "kubernetes:core/v1:Secret postgresql",
                "kubernetes:core/v1:Service postgresql", STS + " postgresql"), run.typesAndNames());
        Mocks.ResourceArgs sts = run.resource(STS, "postgresql");
        assertEquals("labctl-db", at(sts, "metadata", "namespace"));
        assertEquals("postgresql", at(sts, "metadata", "labels", "app.kubernetes.io/name"));
        assertEquals(1.0, ((Number) at(sts, "spec", "replicas")).doubleValue());
        assertEquals("postgresql", at(sts, "spec", "serviceName"));
        assertEquals("docker.io/library/postgres:17.6", at(sts, "spec", "template", "spec", "containers", 0,
                "image"));
        assertEquals(Map.of("POSTGRES_DB", "labd", "POSTGRES_USER", "labd", "POSTGRES_PASSWORD_FILE",
                "/run/secrets/postgresql/password", "PGDATA", "/var/lib/postgresql/data/pgdata"), envOf(sts));
        assertEquals("8Gi", at(sts, "spec", "volumeClaimTemplates", 0, "spec", "resources", "requests", "storage"));
        Mocks.ResourceArgs svc = run.resource("kubernetes:core/v1:Service", "postgresql");
        assertEquals(5432.0, ((Number) at(svc, "spec", "ports", 0, "port")).doubleValue());
        assertEquals(Map.of("app.kubernetes.io/name", "postgresql"), at(svc, "spec", "selector"));
        assertEquals("jdbc:postgresql://postgresql.labctl-db.svc.cluster.local:5432/labd", run.output("jdbcUrl"));
    }

    @Test
    void inputsOverrideDefaults() {
        ProgramRun run = run(Map.of("database", "inventory", "user", "inv", "image", "postgres:16",
                "storageSize", "50Gi", "namespace", "db", "createNamespace", "false"));
        assertFalse(run.typesAndNames().contains("kubernetes:core/v1:Namespace db"));
        Mocks.ResourceArgs sts = run.resource(STS, "postgresql");
        assertEquals("db", at(sts, "metadata", "namespace"));
        assertEquals("postgres:16", at(sts, "spec", "template", "spec", "containers", 0, "image"));
        assertEquals("inventory", envOf(sts).get("POSTGRES_DB"));
        assertEquals("inv", envOf(sts).get("POSTGRES_USER"));
        assertEquals("50Gi", at(sts, "spec", "volumeClaimTemplates", 0, "spec", "resources", "requests", "storage"));
        assertEquals("jdbc:postgresql://postgresql.db.svc.cluster.local:5432/inventory", run.output("jdbcUrl"));
    }

    @Test
    void thePasswordIsSecretEverywhere() {
        ProgramRun run = run(Map.of());
        assertEquals(Set.of("stringData"), run.secretProperties("kubernetes:core/v1:Secret", "postgresql"));
        assertTrue(run.outputIsSecret("password"));
        assertEquals("s3cret-pw", run.output("password"));
        assertFalse(run.outputIsSecret("jdbcUrl"));
        for (Mocks.ResourceArgs r : run.resources()) {
            if (!r.type.equals("kubernetes:core/v1:Secret")) {
                assertFalse(String.valueOf(r.inputs).contains("s3cret-pw"), r.type + " holds the password");
            }
        }
    }

    @Test
    void aMissingPasswordIsNamed() {
        ProgramRun run = ProgramRun.run("postgresql", Map.of(), Set.of(), PostgresqlProgram::define);
        assertEquals("app postgresql: input password is required: give it at install (labctl apps install postgresql"
                + " -f secrets.yaml with password: ...)", run.error());
        assertEquals(List.of(), run.typesAndNames());
    }

    @Test
    void appYamlAndValuesAgree() {
        assertEquals(List.of(), AppFiles.problems(PostgresqlProgram.class));
    }
}
