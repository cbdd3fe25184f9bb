package io.labctl.apps.bastion;

import static io.labctl.apps.support.testing.ProgramRun.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.apps.support.testing.AppFiles;
import io.labctl.apps.support.testing.ProgramRun;
import com.pulumi.test.Mocks;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BastionProgramTest {
    private static final Map<String, String> REQUIRED = Map.of("environment", "lab",
            "labdAddress", "https://labd.example.org:8443", "joinToken", "tok-123", "interfaceName", "eno2",
            "serverAddress", "10.78.0.1");

    private static ProgramRun run(Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(REQUIRED);
        config.putAll(extra);
        ProgramRun run = ProgramRun.run("bastion", config, Set.of("joinToken"), BastionProgram::define);
        assertNull(run.error());
        return run;
    }

    @Test
    void declaresNamespaceSecretConfigAndHostNetworkDeployment() {
        ProgramRun run = run(Map.of());
        assertEquals(List.of("kubernetes:core/v1:Namespace labctl-bastion", "kubernetes:core/v1:Secret bastion-join-token",
                "kubernetes:core/v1:ConfigMap bastion", "kubernetes:apps/v1:Deployment bastion"), run.typesAndNames());
        Mocks.ResourceArgs d = run.resource("kubernetes:apps/v1:Deployment", "bastion");
        assertEquals("labctl-bastion", at(d, "metadata", "namespace"));
        assertEquals(Map.of("app.kubernetes.io/name", "bastion", "app.kubernetes.io/version", "1.0.0",
                "app.kubernetes.io/managed-by", "labctl"), at(d, "metadata", "labels"));
        assertEquals(1.0, ((Number) at(d, "spec", "replicas")).doubleValue());
        assertEquals("Recreate", at(d, "spec", "strategy", "type"));
        assertEquals(Map.of("app.kubernetes.io/name", "bastion"), at(d, "spec", "selector", "matchLabels"));
        assertEquals(true, at(d, "spec", "template", "spec", "hostNetwork"));
        assertEquals(Map.of("labctl.io/bastion", "true"), at(d, "spec", "template", "spec", "nodeSelector"),
                "values.yaml's node selector");
        Object container = at(d, "spec", "template", "spec", "containers", 0);
        assertEquals("ghcr.io/labctl/lab-agent-bastion:0.1.0", ((Map<?, ?>) container).get("image"));
        assertEquals(List.of(67.0, 4011.0, 69.0, 8080.0), ((List<?>) ((Map<?, ?>) container).get("ports")).stream()
                .map(p -> ((Number) ((Map<?, ?>) p).get("containerPort")).doubleValue()).toList());
        String bastionCfg = (String) at(run.resource("kubernetes:core/v1:ConfigMap", "bastion"), "data",
                "io.labctl.bastion.cfg");
        assertTrue(bastionCfg.contains("interfaceName = eno2\n") && bastionCfg.contains("dhcpMode = proxy\n")
                && bastionCfg.contains("environment = lab\n"), bastionCfg);
        assertEquals("http://10.78.0.1:8080/boot.ipxe", run.output("bootUrl"));
    }

    @Test
    void inputsOverrideDefaults() {
        ProgramRun run = run(Map.of("image", "registry.lab/bastion:2", "httpPort", "8081", "dhcpMode", "full",
                "namespace", "pxe", "createNamespace", "false", "nodeSelector", "{\"kubernetes.io/hostname\":\"n1\"}"));
        assertEquals(List.of("kubernetes:core/v1:Secret bastion-join-token", "kubernetes:core/v1:ConfigMap bastion",
                "kubernetes:apps/v1:Deployment bastion"), run.typesAndNames(), "no namespace of its own");
        Mocks.ResourceArgs d = run.resource("kubernetes:apps/v1:Deployment", "bastion");
        assertEquals("pxe", at(d, "metadata", "namespace"));
        assertEquals("registry.lab/bastion:2", at(d, "spec", "template", "spec", "containers", 0, "image"));
        assertEquals(8081.0, ((Number) at(d, "spec", "template", "spec", "containers", 0, "ports", 3,
                "containerPort")).doubleValue());
        assertEquals(Map.of("kubernetes.io/hostname", "n1"), at(d, "spec", "template", "spec", "nodeSelector"));
        assertTrue(((String) at(run.resource("kubernetes:core/v1:ConfigMap", "bastion"), "data",
                "io.labctl.bastion.cfg")).contains("dhcpMode = full\n"));
    }

    @Test
    void theJoinTokenIsSecretAndOnlyInTheSecret() {
        ProgramRun run = run(Map.of());
        assertEquals(Set.of("stringData"), run.secretProperties("kubernetes:core/v1:Secret", "bastion-join-token"));
        assertEquals("tok-123", at(run.resource("kubernetes:core/v1:Secret", "bastion-join-token"), "stringData",
                "join-token"));
        for (Mocks.ResourceArgs r : run.resources()) {
            if (!r.name.equals("bastion-join-token")) {
                assertTrue(!String.valueOf(r.inputs).contains("tok-123"), r.type + " holds the token");
            }
        }
    }

    @Test
    void missingRequiredInputsAreNamed() {
        ProgramRun run = ProgramRun.run("bastion", Map.of("environment", "lab"), Set.of(), BastionProgram::define);
        assertTrue(run.error().contains("input joinToken is required: give it at install (labctl apps install"
                + " bastion -f secrets.yaml with joinToken: ...)"), run.error());
        assertTrue(run.error().contains("input labdAddress is required"), run.error());
        assertEquals(List.of(), run.typesAndNames(), "nothing declared");
    }

    @Test
    void appYamlAndValuesAgree() {
        assertEquals(List.of(), AppFiles.problems(BastionProgram.class));
    }
}
