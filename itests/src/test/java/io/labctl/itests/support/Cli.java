package io.labctl.itests.support;

import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.protocol.Json;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.provision.MachineInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The real labctl CLI, run as a separate JVM with its own config file, exactly as an operator runs it. */
public final class Cli {
    private final Path config;
    private final List<String> prefix;
    private final List<String> entry;

    public Cli(Path config) {
        this(config, List.of(), List.of("-jar", System.getProperty("cli.jar")));
    }

    /** A CLI of its own for NAME: its config file in DIR/cli-NAME. */
    public static Cli named(Path dir, String name) throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir.resolve("cli-" + name));
        return new Cli(dir.resolve("cli-" + name + "/config.yaml"));
    }

    /**
     * Run on an admin's CLI: creates user NAME, binds ROLE to them and gives them a CLI of their own (their credential
     * bundle in DIR/NAME.labctl.yaml, imported).
     */
    public Cli newUser(Path dir, String name, String role) throws Exception {
        Path bundle = dir.resolve(name + ".labctl.yaml");
        ok("create", "user", name, "--out", bundle.toString());
        ok("bind", "role", role, "--user", name);
        Cli user = named(dir, name);
        user.ok("config", "import", bundle.toString());
        return user;
    }

    private Cli(Path config, List<String> prefix, List<String> entry) {
        this.config = config;
        this.prefix = prefix;
        this.entry = entry;
    }

    /** The same CLI and config, run inside a network namespace (as on another host of that network). */
    public Cli inNamespace(String namespace) {
        return new Cli(config, List.of("ip", "netns", "exec", namespace), entry);
    }

    /**
     * The same CLI and config as the launcher runs it: through the labctl session whose socket is in
     * {@code sessionDir}, with these environment variables besides (e.g. LABCTL_DEBUG=1).
     */
    public Cli throughSession(Path sessionDir, String... env) {
        // SIGINT back at its default: a build run as a background job inherits it ignored, and a JVM keeps an
        // ignored SIGINT ignored, so Ctrl-C could not reach the client at all
        List<String> withEnv = new ArrayList<>(List.of("env", "--default-signal=INT",
                "LABCTL_SESSION_DIR=" + sessionDir));
        withEnv.addAll(List.of(env));
        withEnv.addAll(prefix);
        return new Cli(config, withEnv, List.of("-cp", System.getProperty("cli.jar"), "io.labctl.cli.session.SessionClient"));
    }

    public Processes.Result run(String... args) throws Exception {
        return Processes.run(config.getParent(), command(args), Duration.ofSeconds(60));
    }

    /** The command line that runs labctl, for tests that wire its stdin and stdout themselves. */
    public List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        cmd.addAll(entry);
        cmd.addAll(List.of("--config", config.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** {@link #command} as one line for sh -c (or script -c), every word single-quoted. */
    public String shellLine(String... args) {
        return String.join(" ", command(args).stream().map(a -> "'" + a.replace("'", "'\\''") + "'").toList());
    }

    /** Runs with stdin from a file (or /dev/null) and stdout into a file; returns the exit code and stderr. */
    public Processes.Result runRedirected(Path stdin, Path stdout, Duration timeout, String... args) throws Exception {
        Path err = java.nio.file.Files.createTempFile("labctl", ".err");
        try {
            Process p = new ProcessBuilder(command(args)).directory(config.getParent().toFile())
                    .redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                            : ProcessBuilder.Redirect.from(stdin.toFile()))
                    .redirectOutput(stdout.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("labctl " + String.join(" ", args) + " did not end within " + timeout);
            }
            return new Processes.Result(p.exitValue(), "", java.nio.file.Files.readString(err));
        } finally {
            java.nio.file.Files.deleteIfExists(err);
        }
    }

    /** Runs and insists on exit 0. */
    public String ok(String... args) throws Exception {
        Processes.Result r = run(args);
        if (r.exitCode() != 0) {
            throw new AssertionError("labctl " + String.join(" ", args) + " failed: " + r);
        }
        return r.stdout();
    }

    /**
     * Creates environments ({@code NAME:CLOUD} each) with 'create environment', as an admin must before tokens and
     * clusters name them; one that exists already under that cloud is fine (tests that share a labd).
     */
    public Cli environments(String... nameAndCloud) throws Exception {
        for (String pair : nameAndCloud) {
            String[] nc = pair.split(":", 2);
            Processes.Result r = run("create", "environment", nc[0], "--cloud", nc[1]);
            if (r.exitCode() != 0 && !r.stderr().contains("exists already (under cloud " + nc[1] + ")")) {
                throw new AssertionError("labctl create environment " + nc[0] + " --cloud " + nc[1] + " failed: " + r);
            }
        }
        return this;
    }

    /** 'get servers -o json', or an empty list while labd cannot answer (for polling). */
    public List<ServerInfo> servers() {
        return listOrEmpty(new TypeReference<List<ServerInfo>>() {},
                "get", "servers", "-o", "json");
    }

    /** The machine 'provision list -o json' shows for a MAC, if any (empty too while labd cannot answer). */
    public Optional<MachineInfo> machine(String mac) {
        return listOrEmpty(new TypeReference<List<MachineInfo>>() {},
                "provision", "list", "-o", "json").stream().filter(m -> m.mac().equals(mac)).findFirst();
    }

    private <T> List<T> listOrEmpty(TypeReference<List<T>> type, String... args) {
        try {
            return Json.json().readValue(ok(args), type);
        } catch (Exception | AssertionError e) {
            return List.of();
        }
    }
}
