package io.labctl.protocol;

/** REST paths of labd. Everything but {@link #HEALTH} and {@link #ENROL} requires a client certificate from labd's CA. */
public final class Api {
    public static final String ROOT = "/api/v1";
    public static final String HEALTH = ROOT + "/health";
    public static final String ENROL = ROOT + "/enrol";
    public static final String RENEW = ROOT + "/agent/renew";
    public static final String SERVERS = ROOT + "/servers";
    /** Live upgrade of an agent capability (POST {@link AgentUpgrade.Request}). */
    public static final String AGENTS_UPGRADE = ROOT + "/agents/upgrade";
    public static final String TOKENS = ROOT + "/tokens";
    public static final String USERS = ROOT + "/users";
    public static final String ROLES = ROOT + "/roles";
    public static final String PERMISSIONS = ROOT + "/permissions";
    public static final String CAN_I = ROOT + "/auth/can-i";
    public static final String WHOAMI = ROOT + "/auth/whoami";
    /** A user's own certificate, renewed over a new key: body {@link RenewRequest}, answer {@link EnrolResponse}. */
    public static final String AUTH_RENEW = ROOT + "/auth/renew";
    public static final String AUDIT = ROOT + "/audit";
    public static final String AUDIT_VERIFY = ROOT + "/audit/verify";
    /** Recorded exec sessions ({@code /{id}} for one), when labd records them. */
    public static final String RECORDINGS = ROOT + "/recordings";
    /** Machines seen or planned for PXE provisioning ({@code /{mac}} for one). */
    public static final String MACHINES = ROOT + "/provision/machines";
    /** labd's capabilities with their state and schema versions (labctl system features). */
    public static final String SYSTEM_FEATURES = ROOT + "/system/features";
    /** Changes to labd's own capabilities, admin only (POST {@link SystemChange.Request}). */
    public static final String SYSTEM_UPGRADE = ROOT + "/system/upgrade";
    public static final String SYSTEM_INSTALL = ROOT + "/system/install";
    public static final String SYSTEM_UNINSTALL = ROOT + "/system/uninstall";
    /** Header the CLI sends with one id per invocation: the audit log groups a session's rows by it. */
    public static final String SESSION_HEADER = "X-Labctl-Session";
    public static final String AGENT_SOCKET = "/ws/agent";
    /** Users' streams: {@code ?server=NAME}; the web bundle serves them under /ws. */
    public static final String EXEC_SOCKET = "/ws/exec";
    public static final String LOGS_SOCKET = "/ws/logs";
    /**
     * The WebSocket close code with which labd ends a user's open stream because its certificate was revoked or its
     * permission withdrawn; the close reason says which (for the user, at most 123 bytes).
     */
    public static final int ACCESS_REVOKED_CLOSE = 4403;
    public static final String ACCESS_REVOKED = "access-revoked";
    /** Largest request body labd reads, in bytes. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private Api() {}
}
