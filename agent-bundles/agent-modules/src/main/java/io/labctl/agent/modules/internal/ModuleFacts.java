package io.labctl.agent.modules.internal;

import io.labctl.module.Facts;
import io.labctl.protocol.HostFacts;
import java.util.Locale;

/** The module API's view of the host, from the facts the agent reports to labd. */
final class ModuleFacts {
    private ModuleFacts() {}

    static Facts of(HostFacts host) {
        return new Facts(host.hostname(), host.osId(), host.osVersion(), debianArch(host.arch()), host.kernel(),
                host.cpus(), host.memoryBytes());
    }

    /** Architecture names as Debian spells them (the JVM says amd64 already, but aarch64 and x86_64 too). */
    static String debianArch(String arch) {
        if (arch == null) {
            return null;
        }
        return switch (arch.toLowerCase(Locale.ROOT)) {
            case "x86_64", "amd64", "x64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "i386", "i486", "i586", "i686", "x86" -> "i386";
            case "ppc64le" -> "ppc64el";
            default -> arch;
        };
    }
}
