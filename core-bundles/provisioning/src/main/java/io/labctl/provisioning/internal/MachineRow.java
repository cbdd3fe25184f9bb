package io.labctl.provisioning.internal;

import java.time.Instant;

/** One row of machines. */
public class MachineRow {
    public String mac;
    public String state;
    public String hostname;
    public String role;
    public String mode;
    public String disk;
    public String environment;
    public String bastion;
    public String facts;
    public String tokenId;
    public Instant firstSeen;
    public Instant lastSeen;
    public String plannedBy;
    public Instant plannedAt;
    public Instant installedAt;
}
