package io.labctl.protocol;

import java.time.Instant;
import java.util.Map;

/** A managed server as labd reports it. status is one of online, offline, never-connected. */
public record ServerInfo(String id, String name, String cloud, String environment, String role,
                         Map<String, String> labels, String status, Instant lastSeen, Instant enrolledAt,
                         HostFacts facts, String certificateSerial, Instant certificateExpires) {
    public static final String ONLINE = "online";
    public static final String OFFLINE = "offline";
    public static final String NEVER_CONNECTED = "never-connected";
}
