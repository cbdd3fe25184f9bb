package io.labctl.protocol.pulumi;

/** Whether labd's host can run Pulumi: the engine binary and its version, or what to install. */
public record EngineInfo(boolean available, String binary, String version, String problem) {
    public static final String PATH = io.labctl.protocol.Api.ROOT + "/runs/engine";
}
