package io.labctl.apps.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.apps.support.testing.AppFiles;
import io.labctl.apps.support.testing.ProgramRun;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import io.labctl.protocol.apps.AppDescriptor;
import org.junit.jupiter.api.Test;

class AppTest {
    private static final String APP = """
            name: demo
            version: 1.2.3
            description: a demo app
            inputs:
              namespace: { type: string, default: demo, description: where }
              replicas:  { type: integer, default: 1 }
              debug:     { type: boolean }
              selector:  { type: object, default: { role: web } }
              token:     { type: string, secret: true, required: true }
              url:       { type: string, required: true }
            permissions: ["apply:<cloud>:<env>:*"]
            """;

    private static AppDescriptor descriptor() {
        return AppDescriptor.parse(APP.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void configBeatsValuesBeatsDefaults() {
        App app = App.resolve(descriptor(), Map.of("replicas", 2, "url", "jdbc:x"),
                k -> k.equals("replicas") ? Optional.of("3") : k.equals("token") ? Optional.of("t")
                        : k.equals("selector") ? Optional.of("{\"zone\":\"a\"}") : Optional.empty());
        assertEquals(3, app.integer("replicas"));
        assertEquals("jdbc:x", app.string("url"));
        assertEquals("demo", app.string("namespace"));
        assertEquals(Map.of("zone", "a"), app.stringMap("selector"));
        assertFalse(app.flag("debug"));
        assertEquals(Map.of("app.kubernetes.io/name", "demo", "app.kubernetes.io/version", "1.2.3",
                "app.kubernetes.io/managed-by", "labctl"), app.labels());
    }

    @Test
    void everyMissingOrMistypedInputIsNamedInOneMessage() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> App.resolve(descriptor(),
                Map.of(), k -> k.equals("replicas") ? Optional.of("three") : Optional.empty()));
        // token is secret: it goes in a file, never on the command line
        assertTrue(ex.getMessage().contains("input token is required: give it at install (labctl apps install demo"
                + " -f secrets.yaml with token: ...)"), ex.getMessage());
        assertTrue(ex.getMessage().contains("input url is required"), ex.getMessage());
        assertTrue(ex.getMessage().contains("input replicas must be an integer, not 'three'"),
                ex.getMessage());
    }

    @Test
    void aProgramReadingAnUndeclaredInputIsRefused() {
        App app = App.resolve(descriptor(), Map.of("url", "u"), k -> k.equals("token") ? Optional.of("t")
                : Optional.empty());
        assertThrows(IllegalStateException.class, () -> app.string("nope"));
        assertThrows(IllegalStateException.class, () -> app.string("token"), "a secret is read only as a secret");
    }

    @Test
    void descriptorProblemsAreAllNamed() {
        String bad = """
                name: Demo
                version: 1
                description: x
                inputs:
                  a: { type: text, requried: true }
                  s: { type: string, secret: true, default: hunter2 }
                permissions: ["apply:everything"]
                """;
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> AppDescriptor.parse(bad.getBytes(StandardCharsets.UTF_8)));
        for (String part : List.of("name 'Demo'", "version '1'", "inputs.a.requried is not a known key",
                "inputs.a.type 'text'", "inputs.s is secret and has a default", "'apply:everything'")) {
            assertTrue(ex.getMessage().contains(part), part + " in " + ex.getMessage());
        }
    }

    @Test
    void appFilesCheckFindsDisagreement() {
        byte[] values = """
                namespace: 5
                extra: 1
                replicas: 1
                token: hunter2
                """.getBytes(StandardCharsets.UTF_8);
        List<String> problems = AppFiles.problems(APP.getBytes(StandardCharsets.UTF_8), values);
        assertTrue(problems.contains("values.yaml sets extra, which app.yaml does not declare as an input"), problems
                .toString());
        assertTrue(problems.contains("values.yaml sets secret input token: a secret comes with the install only"));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("required input url has no default")), problems
                .toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("input namespace (values.yaml) must be a string")),
                problems.toString());
        assertTrue(problems.contains("values.yaml repeats the default of replicas: keep defaults in app.yaml only, so"
                + " the two cannot drift apart"), problems.toString());
        byte[] good = "# url: given at install\n# token: given at install, a secret\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of(), AppFiles.problems(APP.getBytes(StandardCharsets.UTF_8), good));
    }

    @Test
    void secretInputsReachTheProgramAsSecrets() {
        ProgramRun run = ProgramRun.run("demo", Map.of("token", "t0k", "url", "u"), Set.of("token"), ctx -> {
            App app = App.resolve(descriptor(), Map.of(), ctx.config()::get);
            ctx.export("token", app.secret("token"));
            ctx.export("url", com.pulumi.core.Output.of(app.string("url")));
        });
        assertEquals(null, run.error());
        assertTrue(run.outputIsSecret("token"));
        assertEquals("t0k", run.output("token"));
        assertFalse(run.outputIsSecret("url"));
    }
}
