package io.labctl.protocol;

import java.util.List;

/**
 * What an agent reports about its host, on connect and whenever it changes. os is os-release's PRETTY_NAME (for
 * people); osId and osVersion are its ID and VERSION_ID (for selectors, e.g. {@code debian} and {@code 12}); both
 * are null from agents older than them. capabilities lists the bundles of the agent's capabilities with their running
 * versions and states (sorted by feature, then bundle); null from agents older than it.
 */
public record HostFacts(String hostname, String os, String kernel, String arch, int cpus, long memoryBytes,
                        List<String> ips, String agentVersion, List<String> features, String osId, String osVersion,
                        List<AgentCapability> capabilities) {
    /** Facts without the capabilities' versions (as agents before them reported). */
    public HostFacts(String hostname, String os, String kernel, String arch, int cpus, long memoryBytes,
                     List<String> ips, String agentVersion, List<String> features, String osId, String osVersion) {
        this(hostname, os, kernel, arch, cpus, memoryBytes, ips, agentVersion, features, osId, osVersion, null);
    }

    /** Facts without the os-release ID and VERSION_ID (as agents before them reported). */
    public HostFacts(String hostname, String os, String kernel, String arch, int cpus, long memoryBytes,
                     List<String> ips, String agentVersion, List<String> features) {
        this(hostname, os, kernel, arch, cpus, memoryBytes, ips, agentVersion, features, null, null);
    }
}
