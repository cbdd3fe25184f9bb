package io.labctl.cli.quickstart;

import com.fasterxml.jackson.databind.JavaType;
import io.labctl.cli.Cli;
import io.labctl.cli.CliException;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.cmd.ConfigCommand;
import io.labctl.cli.config.ContextEntry;
import io.labctl.cli.config.LabctlConfig;
import io.labctl.cli.http.LabdClient;
import io.labctl.cli.render.ServerPrinter;
import io.labctl.protocol.Api;
import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.IssuedToken;
import io.labctl.protocol.Json;
import io.labctl.protocol.Names;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.TokenSpec;
import io.labctl.protocol.local.OrphanedPostgres;
import io.labctl.protocol.local.PortHolder;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * labd and one lab-agent on this machine, in the background, with their state under one directory:
 * <pre>
 * quickstart.properties   port and agent name chosen on the first run
 * labd/ agent/            the unpacked distributions (labd keeps its CA and database under labd/)
 * logs/labd.log logs/agent.log
 * labd.pid agent.pid
 * </pre>
 */
public final class Quickstart {
    public static final String CONTEXT = "quickstart";
    public static final int DEFAULT_PORT = 8443;
    static final Duration LABD_START_TIMEOUT = Duration.ofMinutes(5);
    static final Duration ONLINE_TIMEOUT = Duration.ofMinutes(2);
    static final Duration STOP_GRACE = Duration.ofSeconds(45);

    private final Cli cli;
    private final Path dir;

    public Quickstart(Cli cli) {
        this.cli = cli;
        this.dir = cli.quickstartDir().toAbsolutePath();
    }

    Path labdHome() { return dir.resolve("labd"); }

    Path agentHome() { return dir.resolve("agent"); }

    Path labdLog() { return dir.resolve("logs").resolve("labd.log"); }

    Path agentLog() { return dir.resolve("logs").resolve("agent.log"); }

    Path labdPid() { return dir.resolve("labd.pid"); }

    Path agentPid() { return dir.resolve("agent.pid"); }

    Path stateFile() { return dir.resolve("quickstart.properties"); }

    Path adminBundle() { return labdHome().resolve("etc").resolve("admin.labctl.yaml"); }

    // ---------------------------------------------------------------- up

    /** Brings labd and the agent up (or finds them up) and prints the server table. */
    public int up(Integer requestedPort) {
        Properties state = loadState();
        int port = requestedPort == null ? DEFAULT_PORT : requestedPort;
        if (state.getProperty("port") != null) {
            int recorded = Integer.parseInt(state.getProperty("port"));
            if (requestedPort != null && requestedPort != recorded) {
                cli.err().println("note: the quickstart in " + dir + " uses port " + recorded + "; ignoring --port "
                        + requestedPort + " (to start over, deleting its CA and database: 'labctl quickstart --reset"
                        + " --yes --port " + requestedPort + "')");
            }
            port = recorded;
        }
        if (port < 1 || port > 65535 - 1000) {
            throw CliException.usage("port " + port + " is out of range (labd also uses port+1000 for its database)");
        }
        String name = state.getProperty("name", shortHostName());
        String url = "https://127.0.0.1:" + port;

        try {
            finishInterruptedUpgrade(labdHome(), LABD_STATE);
            finishInterruptedUpgrade(agentHome(), AGENT_STATE);
        } catch (IOException e) {
            throw CliException.refused("cannot finish an earlier upgrade in " + dir + ": " + e.getMessage());
        }
        Optional<ProcessHandle> labd = Processes.alive(labdPid(), labdHome());
        Optional<ProcessHandle> agent = Processes.alive(agentPid(), agentHome());
        if ((labd.isPresent() && isStale("labd", labdHome(), state))
                || (agent.isPresent() && isStale("lab-agent", agentHome(), state))) {
            cli.err().println("note: labd or the agent runs an older build than the one in karaf-assembly/; run"
                    + " 'labctl quickstart stop' and 'labctl quickstart' to upgrade them (their state is kept)");
        }
        if (labd.isPresent() && agent.isPresent()) {
            ContextEntry ctx = quickstartContext(false);
            printServers(ctx);
            return ExitCodes.OK;
        }
        try {
            Files.createDirectories(dir.resolve("logs"));
            if (labd.isEmpty()) {
                Files.deleteIfExists(labdPid());
                boolean fresh = !Files.isRegularFile(labdHome().resolve("bin").resolve("karaf"));
                reclaimOrphanedDatabase();
                requireFree(port, "labd's HTTPS port", state);
                requireFree(port + 1000, "labd's embedded database port (--port + 1000)", state);
                if (fresh) {
                    unpack("labd", labdHome());
                    configureLabd(port, state);
                } else if (isStale("labd", labdHome(), state)) {
                    upgrade("labd", labdHome(), LABD_STATE);
                    configureLabd(port, state);
                }
                recordDistribution("labd", state);
                state.setProperty("port", Integer.toString(port));
                state.setProperty("name", name);
                saveState(state);
                long pid = Processes.startKaraf(labdHome(), labdLog(), labdPid());
                cli.err().println((fresh ? "started labd" : "restarted labd") + " (pid " + pid + "), log " + labdLog());
                labd = Processes.alive(labdPid(), labdHome());
            }
            waitForLabd(url, labd.orElse(null));
            ContextEntry ctx = quickstartContext(true);
            ensureEnvironments(ctx);

            if (agent.isEmpty()) {
                Files.deleteIfExists(agentPid());
                boolean fresh = !Files.isRegularFile(agentHome().resolve("bin").resolve("karaf"));
                if (fresh) {
                    unpack("lab-agent", agentHome());
                    freeKarafPorts(agentHome(), state, "agent");
                } else if (isStale("lab-agent", agentHome(), state)) {
                    upgrade("lab-agent", agentHome(), AGENT_STATE);
                    freeKarafPorts(agentHome(), state, "agent");
                }
                recordDistribution("lab-agent", state);
                saveState(state);
                if (!Files.exists(agentHome().resolve("identity").resolve("agent.crt"))) {
                    writeAgentConfig(ctx, url, name);
                }
                long pid = Processes.startKaraf(agentHome(), agentLog(), agentPid());
                cli.err().println((fresh ? "started lab-agent" : "restarted lab-agent") + " (pid " + pid + "), log "
                        + agentLog());
                agent = Processes.alive(agentPid(), agentHome());
            }
            waitOnline(ctx, name, agent.orElse(null));
            printServers(ctx);
            return ExitCodes.OK;
        } catch (IOException e) {
            throw new CliException(ExitCodes.REFUSED, "quickstart failed: " + e.getMessage(), e);
        }
    }

    /** The quickstart context, imported from labd's admin bundle (and made current) when asked or missing. */
    private ContextEntry quickstartContext(boolean importNow) {
        LabctlConfig config = cli.loadConfig();
        Optional<ContextEntry> existing = config.find(CONTEXT);
        if (!importNow && existing.isPresent()) {
            return existing.get();
        }
        CredentialBundle bundle;
        try {
            bundle = CredentialBundle.read(adminBundle());
        } catch (IOException e) {
            throw new CliException(ExitCodes.REFUSED, "cannot read labd's admin credentials: " + e.getMessage()
                    + "; see " + labdLog(), e);
        }
        LabctlConfig next = ConfigCommand.importBundle(config, CONTEXT, bundle, true);
        cli.saveConfig(next);
        if (!CONTEXT.equals(config.currentContext()) || existing.isEmpty()) {
            cli.err().println("context '" + CONTEXT + "' imported from " + adminBundle() + " and made current");
        }
        return next.find(CONTEXT).orElseThrow();
    }

    private void waitForLabd(String url, ProcessHandle labd) {
        Progress progress = new Progress("waiting for labd at " + url);
        Instant deadline = Instant.now().plus(LABD_START_TIMEOUT);
        String last = null;
        while (true) {
            if (Files.exists(adminBundle())) {
                try {
                    CredentialBundle bundle = CredentialBundle.read(adminBundle());
                    // now that the CA exists, health is checked properly: trust that CA and nothing else
                    Map<?, ?> health = LabdClient.anonymous(url, bundle.caCertificate()).get(Api.HEALTH, Map.class);
                    progress.done("labd is up at " + url + (health != null && health.get("version") != null
                            ? " (version " + health.get("version") + ")" : ""));
                    return;
                } catch (IOException | CliException e) {
                    last = e.getMessage();
                }
            }
            if (labd != null && !labd.isAlive()) {
                progress.done(null);
                throw CliException.refused("labd exited while starting; see " + labdLog());
            }
            if (Instant.now().isAfter(deadline)) {
                progress.done(null);
                throw CliException.refused("labd did not become healthy within " + LABD_START_TIMEOUT.toMinutes()
                        + " minutes" + (last == null ? "" : " (last: " + last + ")") + "; see " + labdLog());
            }
            progress.tick();
            sleep(1000);
        }
    }

    /** The environments the quick start makes (cloud local): its own agent's, and the README's examples'. */
    static final List<String> QUICKSTART_ENVIRONMENTS = List.of("local", "lab");

    /**
     * What the quick start uses, and the README's 'create token --env lab': both under cloud local, made on every run
     * (an installation from before environments were records has neither). labd answers health before every
     * capability's routes are up, so this asks again for a while.
     */
    private void ensureEnvironments(ContextEntry ctx) {
        LabdClient admin = LabdClient.forContext(ctx, cli.sessionId());
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (true) {
            try {
                for (String env : QUICKSTART_ENVIRONMENTS) {
                    io.labctl.cli.cmd.CreateCommand.Environment.ensure(admin, env, "local");
                }
                return;
            } catch (CliException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw CliException.refused("labd did not make the quick start's environments ("
                            + String.join(", ", QUICKSTART_ENVIRONMENTS) + "): " + e.getMessage() + "; see " + labdLog());
                }
                sleep(1000);
            }
        }
    }

    private void writeAgentConfig(ContextEntry ctx, String url, String name) throws IOException {
        TokenSpec spec = new TokenSpec(false, Duration.ofMinutes(10).toSeconds(), "local", "local", "quickstart", null,
                name, "labctl quickstart agent on " + name);
        IssuedToken issued = LabdClient.forContext(ctx, cli.sessionId()).post(Api.TOKENS, spec, IssuedToken.class);
        if (issued == null || issued.token() == null) {
            throw CliException.unreachable("labd answered without a token", null);
        }
        Path cfg = agentHome().resolve("etc").resolve("io.labctl.agent.cfg");
        List<String> lines = new ArrayList<>(PropertiesFile.without(cfg, "serverUrl", "token", "name"));
        if (lines.isEmpty()) {
            lines.add("# written by 'labctl quickstart'");
        }
        lines.add("serverUrl = " + url);
        lines.add("token = " + issued.token());
        lines.add("name = " + name);
        CredentialBundle.writeOwnerOnly(cfg, String.join("\n", lines) + "\n");
        cli.err().println("created a one-time join token for server '" + name + "' (valid 10 minutes)");
    }

    private void waitOnline(ContextEntry ctx, String name, ProcessHandle agent) {
        LabdClient client = LabdClient.forContext(ctx, cli.sessionId());
        Progress progress = new Progress("waiting for server '" + name + "' to come online");
        Instant deadline = Instant.now().plus(ONLINE_TIMEOUT);
        String last = null;
        while (true) {
            try {
                ServerInfo s = client.get(Api.SERVERS + "/" + name, ServerInfo.class);
                if (s != null && ServerInfo.ONLINE.equals(s.status())) {
                    progress.done("server '" + name + "' is online");
                    return;
                }
                last = s == null ? null : "status " + s.status();
            } catch (CliException e) {
                last = e.getMessage();
            }
            if (agent != null && !agent.isAlive()) {
                progress.done(null);
                throw CliException.refused("lab-agent exited before server '" + name + "' came online; see "
                        + agentLog() + " and " + labdLog());
            }
            if (Instant.now().isAfter(deadline)) {
                progress.done(null);
                throw CliException.refused("server '" + name + "' did not come online within "
                        + ONLINE_TIMEOUT.toMinutes() + " minutes" + (last == null ? "" : " (last: " + last + ")")
                        + "; see " + agentLog() + " and " + labdLog());
            }
            progress.tick();
            sleep(1000);
        }
    }

    private void printServers(ContextEntry ctx) {
        JavaType type = Json.json().getTypeFactory().constructCollectionType(List.class, ServerInfo.class);
        List<ServerInfo> servers = LabdClient.forContext(ctx, cli.sessionId()).get(Api.SERVERS, type);
        if (servers == null || servers.isEmpty()) {
            cli.err().println("No servers found.");
        } else {
            cli.out().print(ServerPrinter.table(servers, false, cli.now()));
            cli.out().flush();
        }
    }

    // ---------------------------------------------------------------- stop, status, reset

    public int stop() {
        stopOne("lab-agent", agentHome(), agentLog(), agentPid());
        stopOne("labd", labdHome(), labdLog(), labdPid());
        return ExitCodes.OK;
    }

    private void stopOne(String what, Path home, Path log, Path pidFile) {
        Optional<ProcessHandle> ph = Processes.alive(pidFile, home);
        if (ph.isEmpty()) {
            cli.err().println(what + " is not running");
        } else {
            cli.err().println("stopping " + what + " (pid " + ph.get().pid() + ")...");
            Processes.stop(ph.get(), home, log, STOP_GRACE);
            cli.err().println(what + " stopped");
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int status() {
        if (!Files.isDirectory(dir)) {
            cli.out().println("quickstart has not run on this machine (no state in " + dir + "); start it with './labctl quickstart'");
            return ExitCodes.REFUSED;
        }
        Properties state = loadState();
        String port = state.getProperty("port", Integer.toString(DEFAULT_PORT));
        String url = "https://127.0.0.1:" + port;
        Optional<ProcessHandle> labd = Processes.alive(labdPid(), labdHome());
        Optional<ProcessHandle> agent = Processes.alive(agentPid(), agentHome());
        boolean healthy = false;
        String health;
        if (!Files.exists(adminBundle())) {
            health = "no CA yet (" + adminBundle() + " missing)";
        } else {
            try {
                CredentialBundle b = CredentialBundle.read(adminBundle());
                Map<?, ?> h = LabdClient.anonymous(url, b.caCertificate()).get(Api.HEALTH, Map.class);
                healthy = true;
                health = "healthy" + (h != null && h.get("version") != null ? " (version " + h.get("version") + ")" : "");
            } catch (IOException | CliException e) {
                health = "not answering: " + e.getMessage();
            }
        }
        cli.out().println("labd:   " + (labd.map(p -> "running (pid " + p.pid() + ")").orElse("stopped")) + ", " + url + ": " + health);
        cli.out().println("agent:  " + (agent.map(p -> "running (pid " + p.pid() + ")").orElse("stopped"))
                + ", server " + state.getProperty("name", "<not enrolled>"));
        cli.out().println("state:  " + dir);
        cli.out().println("logs:   " + labdLog() + ", " + agentLog());
        return labd.isPresent() && agent.isPresent() && healthy ? ExitCodes.OK : ExitCodes.REFUSED;
    }

    /** Stops both processes and deletes the quickstart directory (the CA, database and agent identity with it). */
    public void reset() {
        stop();
        if (!Files.exists(dir)) {
            return;
        }
        try (var entries = Files.list(dir)) {
            Set<String> ours = Set.of("quickstart.properties", "labd", "agent", "logs", "labd.pid", "agent.pid");
            List<String> foreign = entries.map(p -> p.getFileName().toString())
                    .filter(n -> !ours.contains(n) && !n.startsWith(".unpack-")).toList();
            if (!foreign.isEmpty()) {
                throw CliException.refused("not deleting " + dir + ": it holds files quickstart did not create ("
                        + String.join(", ", foreign) + ")");
            }
            deleteTree(dir);
        } catch (IOException e) {
            throw new CliException(ExitCodes.REFUSED, "cannot delete " + dir + ": " + e.getMessage(), e);
        }
        LabctlConfig config = cli.loadConfig();
        if (config.find(CONTEXT).isPresent()) {
            cli.saveConfig(config.without(CONTEXT));
        }
        cli.err().println("deleted " + dir + " and the '" + CONTEXT + "' context");
    }

    // ---------------------------------------------------------------- distributions and configuration

    /** Unpacks the built distribution (labd or lab-agent) into target, which must not exist yet. */
    void unpack(String artifact, Path target) throws IOException {
        unpack(distribution(artifact), artifact, target);
    }

    /** Unpacks a distribution tarball (holding {@code <artifact>-<version>/}) into target, which must not exist yet. */
    public void unpack(Path tarball, String artifact, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempDirectory(target.getParent(), ".unpack-");
        try {
            cli.err().println("unpacking " + tarball.getFileName() + " into " + target);
            run(List.of("tar", "-xzf", tarball.toString(), "-C", tmp.toString()), "unpacking " + tarball);
            Path top = tmp.resolve(artifact + "-" + Cli.version());
            if (!Files.isDirectory(top)) {
                throw CliException.refused(tarball + " does not hold the folder " + top.getFileName() + "/");
            }
            Files.move(top, target);
        } finally {
            deleteTree(tmp);
        }
    }

    /** What an unpacked distribution holds of its own state; everything else comes from the distribution. */
    static final List<String> LABD_STATE = List.of("data/postgresql", "etc/labd-master.key", "etc/admin.labctl.yaml",
            "etc/io.labctl.bastion.cfg");
    /** Where a quickstart labd run by root builds modules from git (root-owned parents: nobody may walk in). */
    static final String ROOT_BUILDS = "/var/lib/labctl-quickstart/builds";
    static final List<String> AGENT_STATE = List.of("identity", "etc/io.labctl.agent.cfg");

    /**
     * Whether {@code home} was unpacked from another build than the tarball there now. Size and modification time
     * identify a build well enough here; a quickstart from before they were recorded counts as stale.
     */
    private boolean isStale(String artifact, Path home, Properties state) {
        Path tarball = tarball(cli.labctlHome() == null ? Path.of(".") : cli.labctlHome(), artifact);
        if (!Files.isRegularFile(tarball) || !Files.isDirectory(home)) {
            return false;
        }
        return !fingerprint(tarball).equals(state.getProperty(artifact + ".distribution"));
    }

    private void recordDistribution(String artifact, Properties state) {
        state.setProperty(artifact + ".distribution", fingerprint(distribution(artifact)));
    }

    private static String fingerprint(Path tarball) {
        try {
            return Files.size(tarball) + "@" + Files.getLastModifiedTime(tarball).toMillis();
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /**
     * Unpacks the new build beside the old one, swaps the folders by renaming, then moves the state paths across.
     * An upgrade cut short is finished by the next run ({@link #finishInterruptedUpgrade}), so state is never lost.
     */
    private void upgrade(String artifact, Path home, List<String> statePaths) throws IOException {
        Path next = home.resolveSibling(home.getFileName() + ".next");
        deleteTree(next);
        unpack(artifact, next);
        Files.move(home, previous(home));
        Files.move(next, home);
        finishInterruptedUpgrade(home, statePaths);
        cli.err().println("upgraded " + home + " to the new build (kept: " + String.join(", ", statePaths) + ")");
    }

    private static Path previous(Path home) {
        return home.resolveSibling(home.getFileName() + ".previous");
    }

    /** Moves state out of {@code <home>.previous} (left by an upgrade) into {@code home}, then deletes the rest. */
    static void finishInterruptedUpgrade(Path home, List<String> statePaths) throws IOException {
        Path previous = previous(home);
        if (!Files.isDirectory(previous)) {
            return;
        }
        if (!Files.exists(home)) {
            Files.move(previous, home);
            return;
        }
        for (String relative : statePaths) {
            Path from = previous.resolve(relative);
            if (Files.exists(from)) {
                Path to = home.resolve(relative);
                deleteTree(to);
                Files.createDirectories(to.getParent());
                Files.move(from, to);
            }
        }
        deleteTree(previous);
    }

    /** The distribution tarball, built with Maven first if it is not there. */
    public Path distribution(String artifact) {
        Path home = cli.labctlHome();
        if (home == null || !Files.isRegularFile(home.resolve("pom.xml"))) {
            throw CliException.usage("labctl needs its source tree to find labd and lab-agent; run it as"
                    + " './labctl ...' from the repository (or set LABCTL_HOME)");
        }
        Path labd = tarball(home, "labd");
        Path agent = tarball(home, "lab-agent");
        if (!Files.isRegularFile(labd) || !Files.isRegularFile(agent)) {
            build(home);
            if (!Files.isRegularFile(labd) || !Files.isRegularFile(agent)) {
                throw CliException.refused("the build finished but did not produce " + labd + " and " + agent);
            }
        }
        return artifact.equals("labd") ? labd : agent;
    }

    static Path tarball(Path home, String artifact) {
        return home.resolve("karaf-assembly").resolve(artifact).resolve("target")
                .resolve(artifact + "-" + Cli.version() + ".tar.gz");
    }

    private void build(Path home) {
        cli.err().println("building labd and lab-agent (first time takes a few minutes)...");
        cli.err().flush();
        int rc;
        try {
            rc = runCopying(new ProcessBuilder("mvn", "-B", "-q", "-Dstyle.color=never", "install", "-DskipTests").directory(home.toFile()));
        } catch (IOException e) {
            throw CliException.refused("cannot run Maven (mvn) to build labd and lab-agent: " + e.getMessage()
                    + "; install Maven 3.8+ and a JDK 17, or build them yourself with 'mvn install -DskipTests'");
        }
        if (rc != 0) {
            throw CliException.refused("building labd and lab-agent failed (mvn exit " + rc + "); see the output above");
        }
    }

    private void configureLabd(int port, Properties state) throws IOException {
        Path etc = labdHome().resolve("etc");
        Path web = etc.resolve("io.labctl.web.cfg");
        PropertiesFile.set(web, "host", "127.0.0.1", true);
        PropertiesFile.set(web, "port", Integer.toString(port), true);
        PropertiesFile.set(web, "advertiseUrl", "https://127.0.0.1:" + port, true);
        PropertiesFile.set(etc.resolve("io.labctl.persistence.cfg"), "embeddedPort", Integer.toString(port + 1000), true);
        if ("root".equals(System.getProperty("user.name"))) {
            // labd builds modules from git as nobody, who cannot enter root's home: their folders go where it can
            PropertiesFile.set(etc.resolve("io.labctl.sources.cfg"), "workDirectory", ROOT_BUILDS, true);
        }
        freeKarafPorts(labdHome(), state, "labd");
    }

    /**
     * Karaf's own listeners (ssh console, JMX/RMI) would collide between labd and the agent, and with other Karafs on
     * the machine: give each a free port, editing only that key's line.
     */
    private void freeKarafPorts(Path karafHome, Properties state, String who) throws IOException {
        Set<Integer> taken = new HashSet<>();
        for (String k : state.stringPropertyNames()) {
            if (k.endsWith("Port")) {
                taken.add(Integer.parseInt(state.getProperty(k)));
            }
        }
        Path shell = karafHome.resolve("etc").resolve("org.apache.karaf.shell.cfg");
        if (Files.exists(shell)) {
            int ssh = freePort(8101, taken);
            PropertiesFile.set(shell, "sshPort", Integer.toString(ssh), true);
            state.setProperty(who + ".sshPort", Integer.toString(ssh));
            taken.add(ssh);
        }
        Path mgmt = karafHome.resolve("etc").resolve("org.apache.karaf.management.cfg");
        if (Files.exists(mgmt)) {
            if (PropertiesFile.get(mgmt, "rmiRegistryPort").isPresent()) {
                int p = freePort(1099, taken);
                PropertiesFile.set(mgmt, "rmiRegistryPort", Integer.toString(p), false);
                state.setProperty(who + ".rmiRegistryPort", Integer.toString(p));
                taken.add(p);
            }
            if (PropertiesFile.get(mgmt, "rmiServerPort").isPresent()) {
                int p = freePort(44444, taken);
                PropertiesFile.set(mgmt, "rmiServerPort", Integer.toString(p), false);
                state.setProperty(who + ".rmiServerPort", Integer.toString(p));
                taken.add(p);
            }
        }
    }

    static int freePort(int from, Set<Integer> taken) {
        for (int p = from; p < from + 200 && p <= 65535; p++) {
            if (!taken.contains(p) && isFree(p)) {
                return p;
            }
        }
        throw CliException.refused("no free port between " + from + " and " + (from + 199));
    }

    static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A labd killed with SIGKILL leaves its PostgreSQL running on labd's data, holding the database port. It is
     * reclaimed exactly as labd itself does on start ({@link OrphanedPostgres}): stopped, its data kept.
     */
    private void reclaimOrphanedDatabase() {
        Path data = labdHome().resolve("data").resolve("postgresql").resolve("data");
        OrphanedPostgres.stop(data, STOP_GRACE).ifPresent(pid -> cli.err().println("stopped the PostgreSQL (pid "
                + pid + ") that an earlier labd left running when it did not shut down; its data is kept"));
    }

    /** A port held by another program: say which one; the way out never deletes the quickstart's state. */
    private void requireFree(int port, String what, Properties state) {
        if (!isFree(port)) {
            String fix = state.getProperty("port") == null
                    ? "stop it, or choose other ports with 'labctl quickstart --port N' (labd also uses N+1000)"
                    : "stop it and run 'labctl quickstart' again (this quickstart's CA and database are set up for"
                            + " this port, so it keeps it)";
            throw CliException.refused("port " + port + " (" + what + ") is already in use by "
                    + PortHolder.describe(port) + "; " + fix);
        }
    }

    /** This machine's short host name, made a valid server name. */
    public static String shortHostName() {
        String host = null;
        try {
            host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e2) {
                // fall through
            }
        }
        return sanitize(host);
    }

    static String sanitize(String host) {
        String s = host == null ? "" : host.toLowerCase(Locale.ROOT);
        int dot = s.indexOf('.');
        if (dot >= 0) {
            s = s.substring(0, dot);
        }
        s = s.replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
        if (s.length() > 63) {
            s = s.substring(0, 63).replaceAll("-+$", "");
        }
        return Names.valid(s) ? s : "localhost";
    }

    // ---------------------------------------------------------------- helpers

    private Properties loadState() {
        Properties p = new Properties();
        if (Files.isRegularFile(stateFile())) {
            try (Reader r = Files.newBufferedReader(stateFile())) {
                p.load(r);
            } catch (IOException e) {
                throw new CliException(ExitCodes.REFUSED, "cannot read " + stateFile() + ": " + e.getMessage(), e);
            }
        }
        return p;
    }

    private void saveState(Properties p) throws IOException {
        StringBuilder sb = new StringBuilder("# labctl quickstart state\n");
        for (String k : new java.util.TreeSet<>(p.stringPropertyNames())) {
            sb.append(k).append('=').append(p.getProperty(k)).append('\n');
        }
        Files.createDirectories(dir);
        Files.writeString(stateFile(), sb.toString());
    }

    private void run(List<String> command, String what) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            int rc = p.waitFor();
            if (rc != 0) {
                throw CliException.refused(what + " failed (exit " + rc + "): " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.refused(what + " was interrupted");
        }
    }

    /** Runs a command with its output copied to labctl's stderr (stdout stays clean for scripts). */
    private int runCopying(ProcessBuilder pb) throws IOException {
        pb.redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        try (Reader r = new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)) {
            char[] buf = new char[8192];
            int n;
            while ((n = r.read(buf)) > 0) {
                cli.err().write(buf, 0, n);
                cli.err().flush();
            }
        }
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroy();
            return -1;
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.refused("interrupted");
        }
    }

    /** One progress line: rewritten in place on a terminal, a line every 15 seconds otherwise. */
    private final class Progress {
        private final String what;
        private final Instant start = Instant.now();
        private final boolean tty = System.console() != null;
        private long lastPrinted = -1;

        Progress(String what) {
            this.what = what;
        }

        void tick() {
            long s = Duration.between(start, Instant.now()).toSeconds();
            if (tty) {
                cli.err().print("\r" + what + "... " + s + "s ");
            } else if (lastPrinted < 0 || s - lastPrinted >= 15) {
                cli.err().println(what + "... " + s + "s");
                lastPrinted = s;
            }
            cli.err().flush();
        }

        void done(String message) {
            if (tty) {
                cli.err().print("\r\033[K");
            }
            if (message != null) {
                cli.err().println(message);
            }
            cli.err().flush();
        }
    }
}
