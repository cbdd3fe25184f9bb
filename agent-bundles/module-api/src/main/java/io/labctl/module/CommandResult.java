package io.labctl.module;

public record CommandResult(int exitCode, String stdout, String stderr) {
}
