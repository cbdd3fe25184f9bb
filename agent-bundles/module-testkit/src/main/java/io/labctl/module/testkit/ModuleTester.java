package io.labctl.module.testkit;

import io.labctl.module.ConfigurationModule;
import io.labctl.module.DesiredState;
import io.labctl.module.Facts;
import io.labctl.module.Health;
import io.labctl.module.ModuleException;
import io.labctl.module.engine.ArtifactSource;
import io.labctl.module.engine.Engine;
import io.labctl.module.engine.EngineRun;
import io.labctl.module.engine.Host;
import io.labctl.module.engine.HostContext;
import io.labctl.module.engine.ValueInputs;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Runs a module as lab-agent does, through the real engine: {@link #plan()}, {@link #apply()}, {@link #remove()} (the
 * module's removal state) and {@link #health()}. Against a scratch root (the default: a new temporary folder; only
 * files, directories, symlinks, lines and artifacts can be applied there) or a real {@link Machine}.
 *
 * <pre>{@code
 * EngineRun first = ModuleTester.of(new MyModule()).input("port", 8080).root(tmp).apply();
 * }</pre>
 */
public final class ModuleTester {
    private final ConfigurationModule module;
    private final Map<String, Object> inputs = new LinkedHashMap<>();
    private final Set<String> secretInputs = new HashSet<>();
    private final Map<String, byte[]> artifacts = new LinkedHashMap<>();
    private String server = "s1";
    private Facts facts;
    private Path root;
    private Machine machine;

    private ModuleTester(ConfigurationModule module) {
        this.module = module;
    }

    public static ModuleTester of(ConfigurationModule module) {
        return new ModuleTester(module);
    }

    public ModuleTester server(String name) {
        this.server = name;
        return this;
    }

    /** The facts the module sees; by default a Debian 12 amd64 server named as {@link #server(String)}. */
    public ModuleTester facts(Facts facts) {
        this.facts = facts;
        return this;
    }

    /**
     * An input as labd delivers it validated: a String, a Long/Integer, a Boolean or a List of Strings. The module
     * reads it as on an agent: a getter of another type fails naming the input.
     */
    public ModuleTester input(String name, Object value) {
        inputs.put(name, value instanceof Integer number ? Long.valueOf(number) : value);
        secretInputs.remove(name);
        return this;
    }

    /** A secret input: the module reads it with {@code inputs().secret(name)}. */
    public ModuleTester secretInput(String name, String value) {
        inputs.put(name, value);
        secretInputs.add(name);
        return this;
    }

    /** The scratch folder the module's absolute paths resolve under (a new temporary folder if none is given). */
    public ModuleTester root(Path scratchRoot) {
        this.root = scratchRoot;
        this.machine = null;
        return this;
    }

    /** Runs against a booted machine: files in its root file system, commands inside it. */
    public ModuleTester machine(Machine booted) {
        this.machine = booted;
        this.root = null;
        return this;
    }

    /** An artifact of labd's repository, as the module's ArtifactResources fetch it. */
    public ModuleTester artifact(String name, String version, byte[] content) {
        artifacts.put(name + "/" + version, content.clone());
        return this;
    }

    /** What an apply would change, changing nothing. */
    public EngineRun plan() throws ModuleException {
        HostContext context = context();
        return new Engine(context.host(), context).plan(module.desiredState(context));
    }

    public EngineRun apply() throws ModuleException {
        HostContext context = context();
        return new Engine(context.host(), context).apply(module.desiredState(context));
    }

    /** Applies the module's removal state, as {@code labctl modules remove} does. */
    public EngineRun remove() throws ModuleException {
        HostContext context = context();
        return new Engine(context.host(), context).apply(module.removal(context));
    }

    public Health health() {
        return module.health(context());
    }

    /** The desired state the module declares for this server, facts and inputs (to assert on it directly). */
    public DesiredState desiredState() throws ModuleException {
        return module.desiredState(context());
    }

    /** The root the module's paths resolve under: the scratch folder or the machine's root file system. */
    public Path resolvedRoot() {
        return context().host().root();
    }

    private HostContext context() {
        ArtifactSource source = this::openArtifact;
        Host host;
        if (machine != null) {
            host = new MachineHost(machine, source);
        } else {
            if (root == null) {
                try {
                    root = Files.createTempDirectory("module-root-");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            host = Host.scratch(root, source);
        }
        Facts seen = facts != null ? facts : new Facts(server, "debian", "12", "amd64", System.getProperty("os.version"),
                2, 4L << 30);
        return new HostContext(server, seen, new ValueInputs(inputs, secretInputs), host);
    }

    private InputStream openArtifact(String name, String version) throws IOException {
        byte[] content = artifacts.get(name + "/" + version);
        if (content == null) {
            throw new FileNotFoundException("no artifact " + name + "/" + version + " given to the tester: add .artifact(\""
                    + name + "\", \"" + version + "\", bytes)");
        }
        return new ByteArrayInputStream(content);
    }
}
