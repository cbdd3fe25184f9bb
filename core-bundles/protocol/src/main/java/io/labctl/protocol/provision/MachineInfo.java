package io.labctl.protocol.provision;

import java.time.Instant;
import java.util.Map;

/**
 * A machine a bastion saw boot, or one planned ahead. facts are what it reported (firmware, platform, disks as
 * "disk.N.*" keys); disk is the /dev/disk/by-id path an install will wipe, when known.
 */
public record MachineInfo(String mac, String state, String hostname, String role, String mode, String disk,
                          String environment, String bastion, Map<String, String> facts, Instant firstSeen,
                          Instant lastSeen, String plannedBy, Instant plannedAt, Instant installedAt) {}
