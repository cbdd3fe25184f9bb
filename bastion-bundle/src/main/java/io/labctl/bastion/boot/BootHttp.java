package io.labctl.bastion.boot;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.labctl.bastion.install.DiscoveryRenderer;
import io.labctl.protocol.provision.BastionEvent;
import io.labctl.protocol.provision.InstallerGrant;
import io.labctl.protocol.provision.MachineInfo;
import io.labctl.protocol.provision.Macs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bastion's plain-HTTP side (iPXE and installers speak no mutual TLS): the entry script, each MAC's script, the
 * installer kernel and initrd, per-host installer files, the agent distribution, and the installer's reports. Routes
 * are fixed names, so no request path ever reaches the file system. Served by the JDK's own HTTP server, which runs
 * alike inside Karaf and in a plain JVM.
 */
public final class BootHttp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BootHttp.class);
    private static final Pattern MACHINE = Pattern.compile("/provision/([0-9A-Fa-f-]{17})/([a-z.-]+)");
    /** What iPXE may report in its query string; anything else is ignored. */
    private static final Set<String> IPXE_FACTS = Set.of("platform", "buildarch", "manufacturer", "product", "serial",
            "uuid", "memsize");
    static final int MAX_QUERY = 2048;
    static final int MAX_INVENTORY_BYTES = 16 * 1024;
    /**
     * Seconds a client has to send its whole request (headers and body). Without a bound, a few connections that
     * send a request slowly, or never finish it, hold every worker, and no machine on the network can boot. The JDK
     * server takes this only as a system property, read once per JVM when its first server starts; the bastion is the
     * only user of that server in labd and in the standalone bastion. An operator's own setting is kept.
     */
    static final String REQUEST_SECONDS = "10";
    private static final String MAX_REQUEST_TIME = "sun.net.httpserver.maxReqTime";

    static {
        if (System.getProperty(MAX_REQUEST_TIME) == null) {
            System.setProperty(MAX_REQUEST_TIME, REQUEST_SECONDS);
        }
    }

    private final HttpServer server;
    private final ExecutorService workers;
    private final BootScripts scripts;
    private final ProvisioningLink link;
    private final InstallerFiles files;
    private final Path installerDir;
    private final Path agentDistribution;
    private final BootEvents events;
    /** The grant of a machine whose installer is running: its files are rendered from one token until it reports. */
    private final Map<String, InstallerGrant> grants = new ConcurrentHashMap<>();
    /** What the DHCP side learnt of a MAC (architecture, vendor class), sent along with its next boot report. */
    private final Map<String, Map<String, String>> dhcpFacts = new ConcurrentHashMap<>();

    public BootHttp(InetSocketAddress bind, BootScripts scripts, ProvisioningLink link, InstallerFiles files,
                    Path installerDir, Path agentDistribution, BootEvents events) throws IOException {
        this.events = events;
        this.scripts = scripts;
        this.link = link;
        this.files = files;
        this.installerDir = installerDir;
        this.agentDistribution = agentDistribution;
        this.server = HttpServer.create(bind, 64);
        this.workers = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "bastion-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.createContext("/", this::handle);
        server.start();
        LOG.info("bastion HTTP listening on {}", server.getAddress());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        try {
            serve(x);
        } finally {
            logged(x);
        }
    }

    /** One event per request: method, path (never the query, which carries facts), status and size. */
    private void logged(HttpExchange x) {
        String path = x.getRequestURI().getRawPath();
        Matcher m = MACHINE.matcher(path == null ? "" : path);
        String mac = m.matches() ? mac(m.group(1)) : null;
        InetAddress peer = x.getRemoteAddress() == null ? null : x.getRemoteAddress().getAddress();
        int status = x.getResponseCode();
        String length = x.getResponseHeaders().getFirst("Content-length");
        String detail = x.getRequestMethod() + " " + path + " " + (status < 0 ? "(no answer)" : status)
                + (length == null || "HEAD".equals(x.getRequestMethod()) ? "" : " (" + length + " bytes)")
                + (peer == null ? "" : " from " + peer.getHostAddress());
        if (mac != null) {
            events.claimed(peer, mac);
            events.add(mac, BastionEvent.HTTP, detail);
        } else {
            events.addFrom(peer, BastionEvent.HTTP, detail);
        }
    }

    private void serve(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getRawPath();
            String query = x.getRequestURI().getRawQuery();
            String method = x.getRequestMethod();
            if (query != null && query.length() > MAX_QUERY) {
                send(x, 414, "text/plain", "query too long\n");
                return;
            }
            if ("GET".equals(method) || "HEAD".equals(method)) {
                switch (path) {
                    case "/boot.ipxe" -> send(x, 200, "text/plain", scripts.entry());
                    case "/installer/linux" -> file(x, installerDir.resolve("linux"));
                    case "/installer/initrd.gz" -> file(x, installerDir.resolve("initrd.gz"));
                    case "/agent/lab-agent.tar.gz" -> file(x, agentDistribution);
                    default -> machineGet(x, path, query);
                }
            } else if ("POST".equals(method)) {
                machinePost(x, path);
            } else {
                send(x, 405, "text/plain", "only GET, HEAD and POST\n");
            }
        } catch (RuntimeException e) {
            LOG.warn("bastion HTTP {} {} from {} failed", x.getRequestMethod(), x.getRequestURI().getRawPath(),
                    x.getRemoteAddress(), e);
            trySend(x, 500, "internal error\n");
        }
    }

    private void machineGet(HttpExchange x, String path, String query) throws IOException {
        Matcher m = MACHINE.matcher(path);
        String mac = m.matches() ? mac(m.group(1)) : null;
        if (mac == null) {
            send(x, 404, "text/plain", "no such file: the bastion serves /boot.ipxe and /provision/MAC/...\n");
            return;
        }
        switch (m.group(2)) {
            case "boot.ipxe" -> {
                Map<String, String> facts = ipxeFacts(query);
                Map<String, String> fromDhcp = dhcpFacts.remove(mac);
                if (fromDhcp != null) {
                    facts.putAll(fromDhcp);
                }
                String script;
                try {
                    MachineInfo machine = link.booted(mac, facts);
                    script = scripts.forMachine(machine);
                    LOG.info("{} booted: {} ({})", mac, machine.state(), facts.isEmpty() ? "waiting" : facts);
                    events.add(mac, BastionEvent.BOOT, "reported to labd" + (facts.isEmpty() ? "" : " with "
                            + facts.size() + " facts") + ": " + machine.state() + (machine.hostname() == null ? ""
                            + " (no plan)" : " as " + machine.hostname()) + "; " + nextStep(machine));
                } catch (ProvisioningLink.LinkException e) {
                    LOG.warn("{} booted but labd could not be asked: {}", mac, e.getMessage());
                    events.add(mac, BastionEvent.BOOT, "labd could not be asked (" + e.getMessage()
                            + "); told to ask again");
                    script = scripts.labdUnavailable(mac, e.getMessage());
                }
                send(x, 200, "text/plain", script);
            }
            case "inventory.cfg" -> send(x, 200, "text/plain", DiscoveryRenderer.preseed(mac, scripts.base()));
            case "inventory.sh" -> send(x, 200, "text/plain", DiscoveryRenderer.script(mac, scripts.base()));
            case "preseed.cfg", "kickstart.cfg", "agent-install.sh", "reprovision-early.sh" -> installerFile(x, mac, m.group(2));
            default -> send(x, 404, "text/plain", "no such file for " + mac + "\n");
        }
    }

    private void installerFile(HttpExchange x, String mac, String name) throws IOException {
        InstallerGrant grant;
        try {
            // The installer file comes first and starts the install; the agent installer reuses its grant.
            boolean starts = name.equals("preseed.cfg") || name.equals("kickstart.cfg");
            grant = starts ? link.installer(mac) : grants.computeIfAbsent(mac, link::installer);
            grants.put(mac, grant);
            if (starts) {
                events.add(mac, BastionEvent.PLAN, "handed out: " + grant.mode() + " as " + grant.hostname() + " ("
                        + grant.role() + ", environment " + grant.environment() + ", disk "
                        + (grant.disk() == null ? "the first reported" : grant.disk()) + ") in " + name);
            }
        } catch (ProvisioningLink.LinkException e) {
            LOG.warn("installer of {} asked for {}: {}", mac, name, e.getMessage());
            events.add(mac, BastionEvent.PLAN, "no plan for " + name + ": " + e.getMessage());
            send(x, e.unreachable() ? 503 : 409, "text/plain", e.getMessage() + "\n");
            return;
        }
        try {
            String body = switch (name) {
                case "preseed.cfg" -> files.preseed(grant);
                case "kickstart.cfg" -> files.kickstart(grant);
                case "reprovision-early.sh" -> files.reprovisionEarlyScript(grant);
                default -> files.agentInstaller(grant);
            };
            LOG.info("served {} to the installer of {} ({} as {})", name, mac, grant.mode(), grant.hostname());
            send(x, 200, "text/plain", body);
        } catch (InstallerFiles.RenderException e) {
            LOG.warn("cannot render {} for {}: {}", name, mac, e.getMessage());
            send(x, 409, "text/plain", e.getMessage() + "\n");
        }
    }

    private void machinePost(HttpExchange x, String path) throws IOException {
        Matcher m = MACHINE.matcher(path);
        String mac = m.matches() ? mac(m.group(1)) : null;
        if (mac == null) {
            send(x, 404, "text/plain", "POST goes to /provision/MAC/installed or /provision/MAC/inventory\n");
            return;
        }
        try {
            switch (m.group(2)) {
                case "installed" -> {
                    MachineInfo done = link.installed(mac);
                    grants.remove(mac);
                    LOG.info("{} reported its install done: {} is installed", mac, done.hostname());
                    events.add(mac, BastionEvent.INSTALLED, "install reported done: " + done.hostname() + " is "
                            + done.state() + "; next boot from the local disk");
                    send(x, 200, "text/plain", "ok\n");
                }
                case "inventory" -> {
                    Map<String, String> facts = inventory(x.getRequestBody());
                    if (facts == null) {
                        send(x, 413, "text/plain", "inventory larger than " + MAX_INVENTORY_BYTES + " bytes\n");
                        return;
                    }
                    link.booted(mac, facts);
                    LOG.info("{} reported its inventory: {}", mac, facts);
                    events.add(mac, BastionEvent.BOOT, "inventory reported to labd: " + facts.size() + " facts"
                            + (facts.containsKey("disk.count") ? ", " + facts.get("disk.count") + " disks" : ""));
                    send(x, 200, "text/plain", "ok\n");
                }
                default -> send(x, 404, "text/plain", "no such report\n");
            }
        } catch (ProvisioningLink.LinkException e) {
            events.add(mac, BastionEvent.BOOT, m.group(2) + " not taken by labd: " + e.getMessage());
            send(x, e.unreachable() ? 503 : 409, "text/plain", e.getMessage() + "\n");
        }
    }

    /** What the script a machine gets makes it do, in a few words. */
    static String nextStep(MachineInfo machine) {
        boolean inventoried = machine.facts() != null && machine.facts().containsKey(BootScripts.INVENTORY_DONE);
        return switch (String.valueOf(machine.state())) {
            case "discovered" -> inventoried ? "script: wait for a plan" : "script: discovery (report the disks)";
            case "planned", "installing" -> inventoried ? "script: installer" : "script: discovery (report the disks)";
            case "installed" -> "script: boot from the local disk";
            default -> "script for " + machine.state();
        };
    }

    /** key=value lines, at most MAX_INVENTORY_BYTES; null when larger. labd validates names and values. */
    static Map<String, String> inventory(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(MAX_INVENTORY_BYTES + 1);
        if (bytes.length > MAX_INVENTORY_BYTES) {
            return null;
        }
        Map<String, String> facts = new LinkedHashMap<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                facts.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return facts;
    }

    /** The DHCP server saw this MAC: keep what it learnt for the machine's next boot report. */
    public void dhcpSeen(String mac, Map<String, String> facts) {
        if (dhcpFacts.size() < 10_000) {
            dhcpFacts.put(mac, facts);
        }
    }

    static Map<String, String> ipxeFacts(String query) {
        Map<String, String> facts = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return facts;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = pair.substring(0, eq);
            String value;
            try {
                value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8).strip();
            } catch (IllegalArgumentException malformed) {
                continue;  // a broken escape loses that fact, never the machine's boot script
            }
            if (IPXE_FACTS.contains(key) && !value.isEmpty()) {
                facts.put("ipxe." + key, value.length() > 128 ? value.substring(0, 128) : value);
            }
        }
        return facts;
    }

    private static String mac(String hyphenated) {
        try {
            return Macs.normalize(hyphenated);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void file(HttpExchange x, Path file) throws IOException {
        if (file == null || !Files.isRegularFile(file)) {
            send(x, 404, "text/plain", "not configured on this bastion: " + (file == null ? "agent distribution" : file.getFileName()) + "\n");
            return;
        }
        long size = Files.size(file);
        x.getResponseHeaders().set("Content-Type", "application/octet-stream");
        if ("HEAD".equals(x.getRequestMethod())) {
            x.getResponseHeaders().set("Content-Length", Long.toString(size));
            x.sendResponseHeaders(200, -1);
            return;
        }
        x.sendResponseHeaders(200, size);
        // large writes: a kernel and initrd are tens of MB, and 8 KiB copies cost a booting machine time
        byte[] buffer = new byte[256 * 1024];
        try (OutputStream out = x.getResponseBody(); InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        }
        LOG.info("served {} ({} bytes) to {}", file.getFileName(), size, x.getRemoteAddress().getAddress().getHostAddress());
    }

    private static void send(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        if ("HEAD".equals(x.getRequestMethod())) {
            x.sendResponseHeaders(status, -1);
            return;
        }
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void trySend(HttpExchange x, int status, String body) {
        try {
            send(x, status, "text/plain", body);
        } catch (IOException | RuntimeException ignored) {
            // the response may have started already; the exchange is closed by the caller
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
