package io.labctl.cli.quickstart;

import io.labctl.cli.Cli;
import io.labctl.cli.CliException;
import io.labctl.cli.ExitCodes;
import io.labctl.protocol.CredentialBundle;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A standalone bastion on this host: a lab-agent with the lab-agent-bastion feature, its state under one data
 * directory. It enrols with labd like any agent (a one-time token of role bastion) and asks labd for plans.
 * <pre>
 * agent/              the unpacked lab-agent (Karaf); its identity under agent/identity
 * lab-agent.tar.gz    the distribution installed machines download
 * join-token          the enrolment token (0600), until the bastion has enrolled
 * bastion.pid bastion.log
 * </pre>
 */
public final class BastionHost {
    public static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/labctl/bastion");
    static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    static final String FEATURE = "lab-agent-bastion";

    /** What the operator asked for; null fields keep what the data directory already has. */
    public record Options(String interfaceName, String address, String dhcpMode, String poolStart, String poolEnd,
                          Integer httpPort, String environment, String name, String labdUrl, Path tokenFile,
                          Path agentDistribution) {}

    private final Cli cli;
    private final Path dir;

    public BastionHost(Cli cli, Path dataDirectory) {
        this.cli = cli;
        this.dir = dataDirectory.toAbsolutePath().normalize();
    }

    Path agentHome() { return dir.resolve("agent"); }

    Path pidFile() { return dir.resolve("bastion.pid"); }

    Path log() { return dir.resolve("bastion.log"); }

    Path bastionConfig() { return agentHome().resolve("etc").resolve("io.labctl.bastion.cfg"); }

    Path agentConfig() { return agentHome().resolve("etc").resolve("io.labctl.agent.cfg"); }

    public Optional<ProcessHandle> running() {
        return Processes.alive(pidFile(), agentHome());
    }

    /**
     * Installs (first time) or reconfigures the bastion, then starts it in the background, or runs it in the
     * foreground until it exits. token: a join token minted for it, or null (it then serves discovery only, saying
     * that plans need labd, until it has one).
     */
    public int start(Options o, String token, boolean foreground) throws IOException {
        Optional<ProcessHandle> running = running();
        if (running.isPresent()) {
            cli.err().println("the bastion in " + dir + " is already running (pid " + running.get().pid() + ");"
                    + " 'labctl init bastion standalone stop' first to change its settings");
            return ExitCodes.OK;
        }
        Files.createDirectories(dir);
        Quickstart installs = new Quickstart(cli);
        if (!Files.isRegularFile(agentHome().resolve("bin").resolve("lab-agent"))) {
            Path dist = o.agentDistribution() != null ? o.agentDistribution() : installs.distribution("lab-agent");
            installs.unpack(dist, "lab-agent", agentHome());
            Files.copy(dist, dir.resolve("lab-agent.tar.gz"), StandardCopyOption.REPLACE_EXISTING);
        }
        configure(o, token);
        if (foreground) {
            ProcessBuilder pb = new ProcessBuilder(agentHome().resolve("bin").resolve("lab-agent").toString())
                    .directory(agentHome().toFile()).inheritIO();
            try {
                return pb.start().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.CANCELLED;
            }
        }
        long pid = Processes.startKaraf(agentHome(), log(), pidFile());
        String url = "http://" + PropertiesFile.get(bastionConfig(), "serverAddress").orElseThrow() + ":"
                + PropertiesFile.get(bastionConfig(), "httpPort").orElseThrow();
        waitServing(url, pid);
        cli.out().println("bastion started (pid " + pid + "): boot HTTP at " + url + ", log " + log());
        if (token == null && !Files.exists(agentHome().resolve("identity").resolve("agent.crt"))) {
            cli.err().println("note: no join token, so this bastion has not enrolled with labd: it serves discovery,"
                    + " and booting machines are told that plans need labd");
        }
        cli.out().flush();
        return ExitCodes.OK;
    }

    private void configure(Options o, String token) throws IOException {
        Path cfg = bastionConfig();
        String iface = pick(o.interfaceName(), cfg, "interfaceName");
        if (iface == null) {
            throw CliException.usage("name the provisioning interface with --interface (DHCP is served only there)");
        }
        String address = o.address() != null ? o.address() : PropertiesFile.get(cfg, "serverAddress").orElse(null);
        if (address == null) {
            address = firstIpv4(iface);
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("interfaceName", iface);
        values.put("serverAddress", address);
        values.put("dhcpMode", Optional.ofNullable(pick(o.dhcpMode(), cfg, "dhcpMode")).orElse("proxy"));
        putIfSet(values, "poolStart", pick(o.poolStart(), cfg, "poolStart"));
        putIfSet(values, "poolEnd", pick(o.poolEnd(), cfg, "poolEnd"));
        values.put("httpPort", o.httpPort() != null ? o.httpPort().toString()
                : PropertiesFile.get(cfg, "httpPort").orElse("8080"));
        values.put("environment", Optional.ofNullable(pick(o.environment(), cfg, "environment")).orElse("lab"));
        values.put("agentDistribution", dir.resolve("lab-agent.tar.gz").toString());
        for (Map.Entry<String, String> e : values.entrySet()) {
            PropertiesFile.set(cfg, e.getKey(), e.getValue(), true);
        }

        Path agent = agentConfig();
        String labd = pick(o.labdUrl(), agent, "serverUrl");
        if (labd == null) {
            throw CliException.usage("say where labd is with --labd https://HOST:PORT (or use a labctl context)");
        }
        PropertiesFile.set(agent, "serverUrl", labd, true);
        PropertiesFile.set(agent, "name", Optional.ofNullable(pick(o.name(), agent, "name")).orElseThrow(), true);
        if (token != null) {
            Path tokenFile = dir.resolve("join-token");
            CredentialBundle.writeOwnerOnly(tokenFile, token + "\n");
            PropertiesFile.set(agent, "tokenFile", tokenFile.toString(), true);
        }
        bootFeature(agentHome().resolve("etc").resolve("org.apache.karaf.features.cfg"));
    }

    /** Adds lab-agent-bastion to the features Karaf boots (a continued list: one entry per line). */
    static void bootFeature(Path featuresCfg) throws IOException {
        String text = Files.readString(featuresCfg);
        if (text.contains(FEATURE)) {
            return;
        }
        String marker = "featuresBoot = \\\n";
        if (!text.contains(marker)) {
            throw CliException.refused(featuresCfg + " has no 'featuresBoot = \\' line to add " + FEATURE + " to");
        }
        Files.writeString(featuresCfg, text.replace(marker, marker + "    " + FEATURE + ", \\\n"));
    }

    private static String pick(String given, Path file, String key) throws IOException {
        return given != null ? given : PropertiesFile.get(file, key).orElse(null);
    }

    private static void putIfSet(Map<String, String> values, String key, String value) {
        if (value != null) {
            values.put(key, value);
        }
    }

    static String firstIpv4(String iface) {
        try {
            NetworkInterface ni = NetworkInterface.getByName(iface);
            if (ni == null) {
                throw CliException.usage("no network interface '" + iface + "': see 'ip link'");
            }
            for (InetAddress a : java.util.Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address) {
                    return a.getHostAddress();
                }
            }
        } catch (SocketException e) {
            throw CliException.refused("cannot read interface " + iface + ": " + e.getMessage());
        }
        throw CliException.usage("interface '" + iface + "' has no IPv4 address: give one with --address or"
                + " 'ip addr add ... dev " + iface + "'");
    }

    /** Waits until the boot HTTP answers, or the process dies (its log says why). */
    private void waitServing(String url, long pid) {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false) {
                throw CliException.refused("the bastion exited while starting; see " + log());
            }
            if (answers(url + "/boot.ipxe")) {
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CliException.refused("interrupted while waiting for the bastion");
            }
        }
        throw CliException.refused("the bastion did not serve " + url + " within " + START_TIMEOUT.toSeconds()
                + " s; see " + log() + " and " + agentHome().resolve("data/log/karaf.log"));
    }

    static boolean answers(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            int status = c.getResponseCode();
            c.disconnect();
            return status == 200;
        } catch (IOException e) {
            return false;
        }
    }

    public int stop() {
        Optional<ProcessHandle> running = running();
        if (running.isEmpty()) {
            cli.err().println("the bastion in " + dir + " is not running");
            return ExitCodes.OK;
        }
        Processes.stop(running.get(), agentHome(), log(), Quickstart.STOP_GRACE);
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException ignored) {
            // a stale pid file is harmless: alive() checks the process
        }
        cli.out().println("bastion stopped");
        cli.out().flush();
        return ExitCodes.OK;
    }

    /** The facts 'status' prints: running or not, pid, what it serves, whether it enrolled. */
    public Map<String, Object> status() throws IOException {
        Map<String, Object> s = new LinkedHashMap<>();
        Optional<ProcessHandle> running = running();
        s.put("dataDirectory", dir.toString());
        s.put("state", running.isPresent() ? "running" : Files.exists(agentHome()) ? "stopped" : "not-installed");
        s.put("pid", running.map(ProcessHandle::pid).orElse(null));
        if (Files.exists(bastionConfig())) {
            String address = PropertiesFile.get(bastionConfig(), "serverAddress").orElse("?");
            String port = PropertiesFile.get(bastionConfig(), "httpPort").orElse("8080");
            s.put("interface", PropertiesFile.get(bastionConfig(), "interfaceName").orElse("?"));
            s.put("dhcp", PropertiesFile.get(bastionConfig(), "dhcpMode").orElse("proxy"));
            s.put("http", "http://" + address + ":" + port);
            s.put("serving", running.isPresent() && answers("http://" + address + ":" + port + "/boot.ipxe"));
            s.put("labd", PropertiesFile.get(agentConfig(), "serverUrl").orElse(null));
            s.put("name", PropertiesFile.get(agentConfig(), "name").orElse(null));
            s.put("enrolled", Files.exists(agentHome().resolve("identity").resolve("agent.crt")));
        }
        s.put("log", log().toString());
        return s;
    }

}
