package io.labctl.persistence.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** labd's embedded PostgreSQL is only ever the server labd started on its own data. */
class EmbeddedDatabaseTest {
    @TempDir
    Path dir;

    @Test
    void refusesToStartWhenItsPortIsTaken() throws Exception {
        try (ServerSocket other = new ServerSocket()) {
            other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = other.getLocalPort();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new DatabaseService(
                    TestDatabases.config(Map.of("dataDir", dir.toString(), "embeddedPort", port, "embeddedDurable", false))));
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), "names who holds it: " + e.getMessage());
            assertTrue(e.getMessage().contains("embeddedPort"), "names the fix: " + e.getMessage());
            assertFalse(Files.exists(dir.resolve("data/postmaster.pid")), "no server was started");
        }
    }

    @Test
    void everyConnectionProvesItReachesTheServerOnLabdsData() throws Exception {
        try (EmbeddedDatabase ours = EmbeddedDatabase.start(dir.resolve("ours"), freePort(), false);
                EmbeddedDatabase other = EmbeddedDatabase.start(dir.resolve("other"), freePort(), false);
                Connection c = DriverManager.getConnection(ours.jdbcUrl(), "postgres", null);
                Statement s = c.createStatement()) {
            s.execute(ours.identityCheckSql());
            SQLException refused = assertThrows(SQLException.class, () -> s.execute(other.identityCheckSql()));
            assertEquals("08004", refused.getSQLState());
            assertTrue(refused.getMessage().contains("not labd's embedded PostgreSQL"), refused.getMessage());
            assertTrue(DatabaseService.isConnectionFailure(refused), "counts as the database being unreachable");
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
