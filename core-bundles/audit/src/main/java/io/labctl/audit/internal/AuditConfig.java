package io.labctl.audit.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "labd audit log", description = "The tamper-evident audit log of this labd instance")
public @interface AuditConfig {
    @AttributeDefinition(description = "Name of this labd's hash chain; unique per labd sharing the database. Empty: "
            + "host name plus a digest of the karaf.data path.", required = false)
    String instance() default "";

    @AttributeDefinition(description = "Most rows written per transaction by the group-commit writer (1 to 2000)")
    int batchSize() default 256;

    @AttributeDefinition(description = "Rows that may wait for the writer; beyond this, actions are refused")
    int queueCapacity() default 10000;

    @AttributeDefinition(description = "Rows written on their own (reads, denials, stream open and close) wait for "
            + "PostgreSQL to flush them to disk. Off (default): they are written and committed before the answer goes out, "
            + "and flushed within PostgreSQL's wal_writer_delay (200 ms), as an audit file is; a state change and its row "
            + "are always flushed together. Turn on where the database has no per-transaction synchronous_commit.")
    boolean flushStandaloneRows() default false;

    @AttributeDefinition(description = "Seconds a caller waits for its row to be committed before the action is refused")
    int writeTimeoutSeconds() default 10;

    @AttributeDefinition(description = "Rows a minute per source address for refusals a caller can repeat at will (no or "
            + "a refused certificate, a failed TLS handshake, a malformed request, a second connection with a live "
            + "agent's key); the rest of the minute is written as one row with their count")
    int refusalRowsPerMinute() default RefusalLog.DEFAULT_ROWS_PER_MINUTE;

    @AttributeDefinition(description = "The window refusalRowsPerMinute counts in, seconds (60: a minute)")
    int refusalWindowSeconds() default RefusalLog.DEFAULT_WINDOW_SECONDS;
}
