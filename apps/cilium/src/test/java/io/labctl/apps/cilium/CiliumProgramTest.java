package io.labctl.apps.cilium;

import static io.labctl.apps.support.testing.ProgramRun.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.pulumi.test.Mocks;
import io.labctl.apps.support.testing.AppFiles;
import io.labctl.apps.support.testing.ProgramRun;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CiliumProgramTest {
    private static final String RELEASE = "kubernetes:helm.sh/v3:Release";

    private static ProgramRun run(Map<String, String> config) {
        ProgramRun run = ProgramRun.run("cilium", config, Set.of(), CiliumProgram::define);
        assertNull(run.error());
        return run;
    }

    @Test
    void oneHelmReleaseFromCiliumsRepository() {
        ProgramRun run = run(Map.of());
        assertEquals(List.of(RELEASE + " cilium"), run.typesAndNames());
        Mocks.ResourceArgs r = run.resource(RELEASE, "cilium");
        assertEquals("cilium", at(r, "chart"));
        assertEquals("1.16.5", at(r, "version"));
        assertEquals("kube-system", at(r, "namespace"));
        assertEquals("https://helm.cilium.io", at(r, "repositoryOpts", "repo"));
        assertEquals(true, at(r, "atomic"));
        assertEquals(false, at(r, "values", "kubeProxyReplacement"));
        assertEquals("kubernetes", at(r, "values", "ipam", "mode"));
        assertEquals(1.0, ((Number) at(r, "values", "operator", "replicas")).doubleValue());
        assertEquals(false, at(r, "values", "hubble", "enabled"));
        assertEquals("labctl", at(r, "values", "commonLabels", "app.kubernetes.io/managed-by"));
        assertEquals(true, at(r, "values", "rollOutCiliumPods"), "values.yaml's extra chart value");
        assertFalse(((Map<?, ?>) at(r, "values")).containsKey("k8sServiceHost"));
        assertEquals("1.16.5", run.output("chartVersion"));
        assertFalse(run.outputIsSecret("release"));
    }

    @Test
    void inputsOverrideDefaultsAndExtraValuesMergeOverThem() {
        ProgramRun run = run(Map.of("version", "1.17.0", "kubeProxyReplacement", "true",
                "k8sServiceHost", "10.0.0.10", "operatorReplicas", "2", "hubble", "true",
                "values", "{\"ipam\":{\"operator\":{\"clusterPoolIPv4PodCIDRList\":[\"10.42.0.0/16\"]}},"
                        + "\"hubble\":{\"relay\":{\"enabled\":true}}}"));
        Mocks.ResourceArgs r = run.resource(RELEASE, "cilium");
        assertEquals("1.17.0", at(r, "version"));
        assertEquals(true, at(r, "values", "kubeProxyReplacement"));
        assertEquals("10.0.0.10", at(r, "values", "k8sServiceHost"));
        assertEquals(6443.0, ((Number) at(r, "values", "k8sServicePort")).doubleValue());
        assertEquals(2.0, ((Number) at(r, "values", "operator", "replicas")).doubleValue());
        assertEquals("kubernetes", at(r, "values", "ipam", "mode"), "merged, not replaced");
        assertEquals(List.of("10.42.0.0/16"), at(r, "values", "ipam", "operator", "clusterPoolIPv4PodCIDRList"));
        assertEquals(true, at(r, "values", "hubble", "enabled"));
        assertEquals(true, at(r, "values", "hubble", "relay", "enabled"));
        assertFalse(((Map<?, ?>) at(r, "values")).containsKey("rollOutCiliumPods"),
                "values given at install replace values.yaml's");
    }

    @Test
    void kubeProxyReplacementWithoutApiServerAddressIsRefused() {
        ProgramRun run = ProgramRun.run("cilium", Map.of("kubeProxyReplacement", "true"), Set.of(),
                CiliumProgram::define);
        assertEquals("app cilium: input k8sServiceHost is required when kubeProxyReplacement is true: give the API"
                + " server's address as the nodes reach it (--set k8sServiceHost=10.0.0.10)", run.error());
        assertEquals(List.of(), run.typesAndNames());
    }

    @Test
    void mistypedInputsAreNamed() {
        ProgramRun run = ProgramRun.run("cilium", Map.of("operatorReplicas", "two", "values", "[1]"), Set.of(),
                CiliumProgram::define);
        assertEquals("app cilium: input operatorReplicas must be an integer, not 'two'; input values"
                + " must be an object (a mapping; JSON in the stack config), not '[1]'", run.error());
    }

    @Test
    void appYamlAndValuesAgree() {
        assertEquals(List.of(), AppFiles.problems(CiliumProgram.class));
        assertEquals(Set.of(), io.labctl.protocol.apps.AppDescriptor.parse(readAppYaml()).inputs().entrySet().stream()
                .filter(e -> e.getValue().secret()).map(Map.Entry::getKey).collect(java.util.stream.Collectors
                        .toSet()), "cilium takes no secret");
    }

    private static byte[] readAppYaml() {
        try (var in = CiliumProgram.class.getClassLoader().getResourceAsStream("app/app.yaml")) {
            return in.readAllBytes();
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
