package io.labctl.module.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.labctl.module.CommandResult;
import io.labctl.module.DesiredState;
import io.labctl.module.Facts;
import io.labctl.module.FileResource;
import io.labctl.module.Inputs;
import io.labctl.module.ModuleContext;
import io.labctl.module.Secret;
import io.labctl.protocol.modules.ResourceResult;

class TemplateTest {
    @TempDir
    Path root;

    /** Inputs from a map; names in {@code secrets} are secret. */
    private record MapInputs(Map<String, String> values, List<String> secrets) implements Inputs {
        private String value(String name) {
            if (!values.containsKey(name)) {
                throw new IllegalArgumentException("no input " + name);
            }
            return values.get(name);
        }

        @Override public boolean has(String name) { return values.containsKey(name); }
        @Override public String string(String name) { return value(name); }
        @Override public long integer(String name) { return Long.parseLong(value(name)); }
        @Override public boolean bool(String name) { return Boolean.parseBoolean(value(name)); }
        @Override public List<String> list(String name) { return List.of(value(name).split(",")); }
        @Override public Secret secret(String name) { return new Secret(value(name)); }
        @Override public boolean isSecret(String name) { return secrets.contains(name); }
    }

    private ModuleContext context(Map<String, String> inputs, String... secrets) {
        Facts facts = new Facts("node1", "debian", "12", "amd64", "6.1.0", 4, 8L << 30);
        MapInputs in = new MapInputs(inputs, List.of(secrets));
        return new ModuleContext() {
            @Override public String server() { return "s1"; }
            @Override public Facts facts() { return facts; }
            @Override public Inputs inputs() { return in; }
            @Override public Path root() { return root; }
            @Override public CommandResult run(List<String> argv, Duration timeout) throws IOException {
                throw new IOException("not here");
            }
        };
    }

    @Test
    void placeholdersAreFilledFromFactsAndInputs() throws Exception {
        Scratch s = new Scratch(root, context(Map.of("port", "6443", "arch", "input wins")));
        DesiredState state = Scratch.state(new FileResource("/etc/app.conf")
                .template("server={{server}} host={{ hostname }} os={{os}}-{{osVersion}} cpus={{cpus}}\n"
                        + "port={{port}} arch={{arch}} kept={not a placeholder}\n"));
        ResourceResult created = Scratch.only(s.applyTwice(state));
        assertTrue(created.diff().contains("+port=6443"), created.diff());
        assertEquals("server=s1 host=node1 os=debian-12 cpus=4\nport=6443 arch=input wins kept={not a placeholder}\n",
                s.read("/etc/app.conf"));
    }

    @Test
    void anUnknownPlaceholderFailsTheResourceNamingIt() {
        Scratch s = new Scratch(root, context(Map.of()));
        ResourceResult result = Scratch.only(s.engine.apply(Scratch.state(
                new FileResource("/etc/app.conf").template("port={{prot}}\n"))));
        assertEquals(ResourceResult.FAILED, result.status());
        assertTrue(result.reason().contains("uses {{prot}}, which is neither an input of the module nor a fact"),
                result.reason());
        assertFalse(Files.exists(s.path("/etc/app.conf")));
    }

    @Test
    void aTemplateUsingASecretInputIsSensitive() throws Exception {
        Scratch s = new Scratch(root, context(Map.of("token", "K10abc::server:xyz", "url", "https://s1:6443"), "token"));
        DesiredState state = Scratch.state(new FileResource("/etc/rancher/k3s/config.yaml").mode(0600)
                .template("server: {{url}}\ntoken: {{token}}\n"));
        ResourceResult created = Scratch.only(s.applyTwice(state));
        assertFalse(created.diff().contains("K10abc"), created.diff());
        assertFalse(created.diff().contains("https://s1"), "nothing of a sensitive file is shown: " + created.diff());
        assertEquals("server: https://s1:6443\ntoken: K10abc::server:xyz\n", s.read("/etc/rancher/k3s/config.yaml"));
    }

    @Test
    void anEngineWithoutAModuleContextSaysTemplatesNeedOne() {
        Scratch s = new Scratch(root);
        ResourceResult result = Scratch.only(s.engine.plan(Scratch.state(
                new FileResource("/etc/app.conf").template("x={{server}}"))));
        assertEquals(ResourceResult.FAILED, result.status());
        assertTrue(result.reason().contains("new Engine(host, context)"), result.reason());
    }
}
