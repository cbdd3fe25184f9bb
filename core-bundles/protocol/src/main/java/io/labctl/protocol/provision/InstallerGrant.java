package io.labctl.protocol.provision;

import java.util.Map;

/**
 * What a planned machine's installer is rendered from: its plan, what it reported (facts: its disks), where labd
 * is, and a fresh one-time join token
 * scoped to that host (never stored in clear; it exists only in this answer and the rendered installer file).
 */
public record InstallerGrant(String mac, String hostname, String role, String mode, String disk, String environment,
                             String labdUrl, String joinToken, Map<String, String> facts) {
    @Override
    public String toString() {
        return "InstallerGrant[" + mac + " " + mode + " as " + hostname + ", joinToken=<redacted>]";
    }
}
