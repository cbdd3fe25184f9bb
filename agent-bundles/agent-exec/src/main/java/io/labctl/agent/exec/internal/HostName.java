package io.labctl.agent.exec.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** This host's name, for messages an operator reads on the other side ("ls: not found on web-3"). */
final class HostName {
    private static volatile String cached;

    private HostName() {}

    static String get() {
        String name = cached;
        if (name == null) {
            name = read();
            cached = name;
        }
        return name;
    }

    private static String read() {
        // the kernel's name first: InetAddress may wait on DNS
        for (String file : new String[] {"/proc/sys/kernel/hostname", "/etc/hostname"}) {
            try {
                String s = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
                if (!s.isEmpty()) {
                    return s;
                }
            } catch (IOException | RuntimeException e) {
                // try the next source
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "this host";
        }
    }
}
