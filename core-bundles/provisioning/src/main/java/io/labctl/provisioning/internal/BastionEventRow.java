package io.labctl.provisioning.internal;

import java.time.Instant;

/** One row of bastion_events (MyBatis maps columns onto the fields). */
public class BastionEventRow {
    public String id;
    public String environment;
    public String bastion;
    public String mac;
    public Instant at;
    public Instant received;
    public String kind;
    public String detail;
}
