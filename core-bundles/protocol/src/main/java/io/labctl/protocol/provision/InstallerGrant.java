package io.labctl.protocol.provision;

/**
 * What a planned machine's installer is rendered from: its plan, where labd is, and a fresh one-time join token
 * scoped to that host (never stored in clear; it exists only in this answer and the rendered installer file).
 */
public record InstallerGrant(String mac, String hostname, String role, String mode, String disk, String environment,
                             String labdUrl, String joinToken) {}
