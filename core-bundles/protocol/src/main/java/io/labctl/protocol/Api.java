package io.labctl.protocol;

/** REST paths of labd. Everything but {@link #HEALTH} and {@link #ENROL} requires a client certificate from labd's CA. */
public final class Api {
    public static final String ROOT = "/api/v1";
    public static final String HEALTH = ROOT + "/health";
    public static final String ENROL = ROOT + "/enrol";
    public static final String RENEW = ROOT + "/agent/renew";
    public static final String SERVERS = ROOT + "/servers";
    public static final String TOKENS = ROOT + "/tokens";
    public static final String AGENT_SOCKET = "/ws/agent";
    /** Largest request body labd reads, in bytes. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private Api() {}
}
