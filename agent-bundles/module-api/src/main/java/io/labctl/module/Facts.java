package io.labctl.module;

public record Facts(String hostname, String os, String osVersion, String arch, String kernel, int cpus, long memoryBytes) {
}
