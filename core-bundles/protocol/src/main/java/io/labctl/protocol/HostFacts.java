package io.labctl.protocol;

import java.util.List;

/** What an agent reports about its host, on connect and whenever it changes. */
public record HostFacts(String hostname, String os, String kernel, String arch, int cpus, long memoryBytes,
                        List<String> ips, String agentVersion, List<String> features) {}
