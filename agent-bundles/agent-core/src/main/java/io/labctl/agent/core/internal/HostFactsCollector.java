package io.labctl.agent.core.internal;

import io.labctl.protocol.AgentCapability;
import io.labctl.protocol.HostFacts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/** Gathers what the agent reports about its host. Cheap enough to run on every heartbeat. */
final class HostFactsCollector {
    private final Path root;
    private final String agentVersion;
    private final Supplier<List<String>> features;
    private final Supplier<List<AgentCapability>> capabilities;

    /**
     * @param root     file system root to read /etc and /proc under ("/" in production; a test may point elsewhere)
     * @param features names of the agent features present on this host
     */
    HostFactsCollector(Path root, String agentVersion, Supplier<List<String>> features) {
        this(root, agentVersion, features, List::of);
    }

    /** @param capabilities the capability bundles running here, with versions ({@link AgentCapabilities}) */
    HostFactsCollector(Path root, String agentVersion, Supplier<List<String>> features,
                       Supplier<List<AgentCapability>> capabilities) {
        this.root = root;
        this.agentVersion = agentVersion;
        this.features = features;
        this.capabilities = capabilities;
    }

    HostFacts collect() {
        Map<String, String> osRelease = osRelease();
        return new HostFacts(hostname(), os(osRelease), System.getProperty("os.version"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), memoryBytes(), ipAddresses(), agentVersion,
                sortedFeatures(), osRelease.get("ID"), osRelease.get("VERSION_ID"), capabilities());
    }

    /** The kernel's host name; DNS is not asked (it may be slow or down exactly when it matters). */
    String hostname() {
        for (String file : new String[] {"proc/sys/kernel/hostname", "etc/hostname"}) {
            String name = firstLine(root.resolve(file));
            if (name != null && !name.isBlank()) {
                return name.strip();
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    String os() {
        return os(osRelease());
    }

    private static String os(Map<String, String> osRelease) {
        String pretty = osRelease.get("PRETTY_NAME");
        return pretty != null ? pretty : System.getProperty("os.name");  // no os-release: what the JVM knows
    }

    /** The non-blank KEY=VALUE pairs of etc/os-release, quotes removed; empty when it is missing or unreadable. */
    Map<String, String> osRelease() {
        Map<String, String> out = new HashMap<>();
        try {
            for (String line : Files.readAllLines(root.resolve("etc/os-release"))) {
                int eq = line.indexOf('=');
                if (eq <= 0 || line.startsWith("#")) {
                    continue;
                }
                String value = line.substring(eq + 1).strip();
                if (value.length() >= 2 && (value.startsWith("\"") || value.startsWith("'"))
                        && value.endsWith(value.substring(0, 1))) {
                    value = value.substring(1, value.length() - 1);
                }
                if (!value.isBlank()) {
                    out.put(line.substring(0, eq).strip(), value);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no os-release: no values from it
        }
        return out;
    }

    long memoryBytes() {
        try {
            for (String line : Files.readAllLines(root.resolve("proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    String[] parts = line.substring("MemTotal:".length()).strip().split("\\s+");
                    long value = Long.parseLong(parts[0]);
                    return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? value * 1024 : value;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc/meminfo: fall back to the JVM's view
        }
        // the JVM's own view (its heap limit); com.sun.management would give more but is not importable everywhere
        return Runtime.getRuntime().maxMemory();
    }

    /** Addresses of interfaces that are up, without loopback and link-local ones, sorted. */
    static List<String> ipAddresses() {
        TreeSet<String> out = new TreeSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address.isLoopbackAddress() || address.isLinkLocalAddress()) {
                        continue;
                    }
                    String text = address.getHostAddress();
                    int scope = text.indexOf('%');
                    out.add(scope < 0 ? text : text.substring(0, scope));
                }
            }
        } catch (SocketException e) {
            // no interfaces readable: report none
        }
        return List.copyOf(out);
    }

    private List<String> sortedFeatures() {
        try {
            List<String> names = new ArrayList<>(features.get());
            Collections.sort(names);
            return List.copyOf(names);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private List<AgentCapability> capabilities() {
        try {
            return List.copyOf(capabilities.get());
        } catch (RuntimeException e) {
            return List.of();  // the framework is mid-change: the next heartbeat tells
        }
    }

    private static String firstLine(Path file) {
        try (var lines = Files.lines(file)) {
            return lines.findFirst().orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The default server name: the host name, lower-cased. */
    String defaultName() {
        return hostname().toLowerCase(Locale.ROOT);
    }
}
