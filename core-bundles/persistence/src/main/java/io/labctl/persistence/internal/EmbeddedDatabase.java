package io.labctl.persistence.internal;

import io.labctl.protocol.local.OrphanedPostgres;
import io.labctl.protocol.local.PortHolder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL that labd starts under its own data directory when no database is configured. labd only ever
 * talks to the server it started: the port must be free before it starts, and every connection proves that the
 * server on the other end works in labd's data directory ({@link #identityCheckSql}).
 */
final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final Duration ORPHAN_GRACE = Duration.ofSeconds(30);
    private final EmbeddedPostgres postgres;
    private final int port;
    private final long systemIdentifier;

    private EmbeddedDatabase(EmbeddedPostgres postgres, int port, long systemIdentifier) {
        this.postgres = postgres;
        this.port = port;
        this.systemIdentifier = systemIdentifier;
    }

    static EmbeddedDatabase start(Path dataRoot, int port, boolean durable) throws IOException {
        Path data = dataRoot.resolve("data");
        Path binaries = dataRoot.resolve("bin");
        Files.createDirectories(data);
        Files.createDirectories(binaries);
        // a labd killed with SIGKILL leaves its postmaster running on this data: reclaim it (the same rule as
        // 'labctl quickstart' applies)
        OrphanedPostgres.stop(data, ORPHAN_GRACE).ifPresent(pid -> LOG.warn(
                "stopped orphaned PostgreSQL (pid {}) left on {} by an earlier labd that did not shut down", pid, data));
        requirePortFree(port);
        long t0 = System.nanoTime();
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(binaries.toFile())
                .setPort(port)
                .setServerConfig("listen_addresses", "127.0.0.1")
                // the embedding library turns durability off by default (it is made for tests): labd's state is not
                .setServerConfig("fsync", durable ? "on" : "off")
                .setServerConfig("synchronous_commit", durable ? "on" : "off")
                .setServerConfig("full_page_writes", durable ? "on" : "off")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
        try {
            long systemIdentifier = requireOurs(pg, port, data);
            LOG.info("embedded PostgreSQL up on 127.0.0.1:{} with data in {} ({} ms)", port, data, (System.nanoTime() - t0) / 1_000_000);
            return new EmbeddedDatabase(pg, port, systemIdentifier);
        } catch (IOException | RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    /** Refuses to start beside another listener: the new server could not bind, and labd would talk to that one. */
    private static void requirePortFree(int port) {
        if (!PortHolder.isFree(port)) {
            throw new IllegalStateException(portTaken(port));
        }
    }

    private static String portTaken(int port) {
        return "labd's embedded PostgreSQL cannot listen on 127.0.0.1:" + port + ": the port is already held by "
                + PortHolder.describe(port) + ". labd refuses to run on a database it did not start. Stop that"
                + " server, or give labd another port: embeddedPort in etc/io.labctl.persistence.cfg"
                + " (to use an existing server on purpose, set jdbcUrl there instead)";
    }

    /**
     * The server answering on the port must work in our data directory; returns its cluster's system identifier
     * (set by initdb, unique per cluster), which identifies it on later connections whatever the path's spelling.
     */
    private static long requireOurs(EmbeddedPostgres pg, int port, Path data) throws IOException {
        String reported;
        long systemIdentifier;
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('data_directory'), system_identifier"
                        + " FROM pg_control_system()")) {
            rs.next();
            reported = rs.getString(1);
            systemIdentifier = rs.getLong(2);
        } catch (SQLException e) {
            throw new IllegalStateException("labd's embedded PostgreSQL on 127.0.0.1:" + port + " does not answer: " + e.getMessage(), e);
        }
        if (!Path.of(reported).toRealPath().equals(data.toRealPath())) {
            throw new IllegalStateException(portTaken(port) + " (the server there keeps its data in " + reported
                    + ", not in " + data + ")");
        }
        return systemIdentifier;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /**
     * SQL that fails unless the server is the cluster labd started. The pool runs it on every new connection, so a
     * server that took the port while the embedded one was down (a restart, another program) is never used.
     */
    String identityCheckSql() {
        return "DO $$ DECLARE found bigint := (SELECT system_identifier FROM pg_control_system()); BEGIN"
                + " IF found <> " + systemIdentifier + " THEN RAISE EXCEPTION 'this is not labd''s embedded PostgreSQL"
                + " (cluster %, labd''s is " + systemIdentifier + ")', found USING ERRCODE = '08004'; END IF; END $$";
    }

    @Override
    public void close() throws IOException {
        postgres.close();
        LOG.info("embedded PostgreSQL stopped");
    }
}
