package io.labctl.modules.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.labctl.module.ConfigurationModule;
import io.labctl.module.engine.EngineRun;
import io.labctl.module.testkit.ModuleTester;
import io.labctl.protocol.modules.ModuleDescriptor;
import io.labctl.protocol.modules.ResourceResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A core module under test as labd would run it: the inputs pass through labd's own validation of the module's
 * {@code module.yaml} (so defaults come from the descriptor and a name the code reads but the descriptor lacks
 * fails the test), then the test kit runs the module against a scratch root.
 */
public final class ModuleFixture {
    private final ConfigurationModule module;
    private final ModuleDescriptor descriptor;
    private final Path root;
    private final Map<String, String> given = new LinkedHashMap<>();
    private final Map<String, byte[]> artifacts = new LinkedHashMap<>();
    private String server = "s1";

    private ModuleFixture(ConfigurationModule module, Path root) {
        this.module = module;
        this.root = root;
        this.descriptor = descriptorOf(module);
    }

    public static ModuleFixture of(ConfigurationModule module, Path scratchRoot) {
        return new ModuleFixture(module, scratchRoot);
    }

    /** The module's module.yaml from its bundle's root, parsed as labd parses it. */
    public static ModuleDescriptor descriptorOf(ConfigurationModule module) {
        try (InputStream in = module.getClass().getResourceAsStream("/module.yaml")) {
            assertNotNull(in, "module.yaml is not at the bundle's root");
            return ModuleDescriptor.parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ModuleFixture server(String name) {
        this.server = name;
        return this;
    }

    /** An input as an operator gives it ({@code --set name=value}); lists comma-separated. */
    public ModuleFixture set(String name, String value) {
        given.put(name, value);
        return this;
    }

    public ModuleFixture artifact(String name, String version, byte[] content) {
        artifacts.put(name + "/" + version, content);
        return this;
    }

    public ModuleDescriptor descriptor() {
        return descriptor;
    }

    /** A tester with the inputs typed and defaulted by the descriptor, secret inputs delivered as secrets. */
    public ModuleTester tester() {
        Map<String, Object> typed = descriptor.validateInputs(given);
        ModuleTester tester = ModuleTester.of(module).server(server).root(root);
        typed.forEach((name, value) -> {
            if (descriptor.secretInputs().contains(name)) {
                tester.secretInput(name, (String) value);
            } else {
                tester.input(name, value);
            }
        });
        artifacts.forEach((key, content) -> {
            int slash = key.indexOf('/');
            tester.artifact(key.substring(0, slash), key.substring(slash + 1), content);
        });
        return tester;
    }

    /** A path on the machine as the scratch root holds it. */
    public Path file(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    public static ResourceResult result(EngineRun run, String id) {
        return run.results().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseGet(() -> fail("no result for " + id + " in " + describe(run)));
    }

    public static void assertStatus(EngineRun run, String id, String status) {
        assertEquals(status, result(run, id).status(), () -> id + " in " + describe(run));
    }

    /** Neither a diff nor a reason of any resource shows the secret. */
    public static void assertNoSecret(EngineRun run, String secret) {
        for (ResourceResult r : run.results()) {
            assertTrue(r.diff() == null || !r.diff().contains(secret), () -> "secret in the diff of " + r.id());
            assertTrue(r.reason() == null || !r.reason().contains(secret), () -> "secret in the reason of " + r.id());
        }
    }

    public static String describe(EngineRun run) {
        return run.results().stream().map(r -> r.id() + " " + r.status() + (r.reason() == null ? "" : " (" + r.reason() + ")"))
                .collect(Collectors.joining("; ", "[", "]"));
    }
}
