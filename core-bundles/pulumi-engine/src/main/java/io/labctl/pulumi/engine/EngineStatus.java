package io.labctl.pulumi.engine;

/**
 * @param available whether runs can start
 * @param binary    the pulumi binary used (or looked for)
 * @param version   its version as it reports it, null when not available
 * @param problem   when not available: what is wrong and what to install, one sentence for an operator
 */
public record EngineStatus(boolean available, String binary, String version, String problem) {
}
