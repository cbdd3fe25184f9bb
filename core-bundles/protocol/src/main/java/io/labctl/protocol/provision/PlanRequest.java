package io.labctl.protocol.provision;

/**
 * Plan an install (wipes the target disk) or a reprovision (keeps /home, /srv and the data volume) for a MAC.
 * disk is optional: by default the first non-removable disk the machine reported.
 */
public record PlanRequest(String hostname, String role, String disk, boolean reprovision) {}
