package io.labctl.protocol.modules;

/**
 * One line of an apply's, rollback's or remove's NDJSON answer. type: {@link #TARGET} (the server will be touched),
 * {@link #DENIED} (no permission on it; message says which), {@link #EXCLUDED} (not a target of the module, offline,
 * or not run; message says why), {@link #RESULT} (report, or message when the run failed before a report),
 * {@link #SUMMARY} (message = the one-line summary). done/total: servers finished out of the targets.
 */
public record ApplyEvent(String type, String server, ModuleReport report, String message, int done, int total) {
    public static final String TARGET = "target";
    public static final String DENIED = "denied";
    public static final String EXCLUDED = "excluded";
    public static final String RESULT = "result";
    public static final String SUMMARY = "summary";
    public static final String CONTENT_TYPE = "application/x-ndjson";
}
