package io.labctl.module;

/**
 * What the agent reports about its machine.
 *
 * @param hostname    the machine's host name
 * @param os          os-release {@code ID}, e.g. {@code debian}
 * @param osVersion   os-release {@code VERSION_ID}, e.g. {@code 12}
 * @param arch        the Debian name of the architecture ({@code uname -m} {@code x86_64} is {@code amd64})
 * @param kernel      the kernel release ({@code uname -r})
 * @param cpus        number of CPUs
 * @param memoryBytes total memory in bytes
 */
public record Facts(String hostname, String os, String osVersion, String arch, String kernel, int cpus,
                    long memoryBytes) {}
