package io.labctl.registry.internal;

import java.time.Instant;

/** servers joined with its agent, as read for listing. */
public class ServerRow {
    public String id;
    public String name;
    public String cloud;
    public String environment;
    public String role;
    public String labels;
    public String facts;
    public Instant lastSeen;
    public Instant createdAt;
    public Instant enrolledAt;
    public String certificateSerial;
    public Instant certificateExpires;
    public String connectedVia;
}
