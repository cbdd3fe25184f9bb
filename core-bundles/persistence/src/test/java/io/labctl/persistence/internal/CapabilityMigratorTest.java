package io.labctl.persistence.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** A capability's migrations on a real embedded PostgreSQL, each test in a database of its own. */
class CapabilityMigratorTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    @TempDir
    static Path dir;
    static DatabaseService server;
    DataSource ds;

    @BeforeAll
    static void start() throws Exception {
        server = TestDatabases.start(dir.resolve("pg"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.deactivate();
        }
    }

    @BeforeEach
    void freshDatabase() throws SQLException {
        String name = "migrations_" + DATABASES.incrementAndGet();
        sql(server.dataSource(), "CREATE DATABASE " + name);
        String url = server.describe().substring(server.describe().indexOf("jdbc:"));
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(url.substring(0, url.lastIndexOf('/') + 1) + name);
        pg.setUser("postgres");
        ds = pg;
    }

    @Test
    void eachCapabilityMigratesWithAHistoryOfItsOwn() throws Exception {
        assertEquals("1", migrate("notes", "notes-v1"));
        // the schema is no longer empty: the next capability still starts its own history and runs its V1
        assertEquals("1", migrate("tags", "tags"));
        assertTrue(CapabilityMigrator.tableExists(ds, "notes") && CapabilityMigrator.tableExists(ds, "tags"));
        assertEquals(List.of("0:BASELINE", "1:SQL"), history("notes"));
        assertEquals(List.of("0:BASELINE", "1:SQL"), history("tags"));
        assertFalse(CapabilityMigrator.tableExists(ds, CapabilityMigrator.LEGACY_HISTORY));
    }

    @Test
    void aNewerVersionMigratesForwardAndKeepsTheData() throws Exception {
        migrate("notes", "notes-v1");
        sql(ds, "INSERT INTO notes (text) VALUES ('kept')");
        assertEquals("1", migrate("notes", "notes-v1"), "nothing new: nothing runs");
        assertEquals("2", migrate("notes", "notes-v2"));
        assertEquals("kept", single("SELECT text FROM notes WHERE author IS NULL"));
    }

    @Test
    void aFailingMigrationNamesItselfAndItsCauseAndLeavesNothingHalfDone() throws Exception {
        migrate("notes", "notes-v1");
        SchemaMigrationException e = assertThrows(SchemaMigrationException.class, () -> migrate("clash", "clash"));
        assertTrue(e.getMessage().contains("migration V1 (clash) failed") && e.getMessage().contains("\"notes\" already exists"),
                e.getMessage());
        assertTrue(e.remedy().contains("rolled it back"), e.remedy());
        assertFalse(CapabilityMigrator.tableExists(ds, "clash_first"), "the failed migration's first statement was kept");
        assertEquals(List.of("0:BASELINE"), history("clash"));
        // once the cause is gone, the same migration runs
        sql(ds, "DROP TABLE notes");
        assertEquals("1", migrate("clash", "clash"));
    }

    @Test
    void aDatabaseOfRelease01IsAdoptedAtTheLegacyBaseline() throws Exception {
        legacyHistory("5");
        sql(ds, "CREATE TABLE notes (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), text TEXT NOT NULL)");
        sql(ds, "INSERT INTO notes (text) VALUES ('from 0.1')");
        // V1 would fail on the existing table: it is recorded as applied, and V2 runs
        assertEquals("2", CapabilityMigrator.migrate(ds, SchemaHeader.parse("notes;legacy-baseline=1"), scripts("notes-v2"),
                getClass().getClassLoader()));
        assertEquals(List.of("1:BASELINE", "2:SQL"), history("notes"));
        assertEquals("from 0.1", single("SELECT text FROM notes WHERE author IS NULL"));
        assertEquals("5", single("SELECT max(version) FROM flyway_schema_history"), "0.1's history is left as it was");
        // a capability without the attribute starts empty, as on any database
        assertEquals("1", migrate("tags", "tags"));
        assertEquals(List.of("0:BASELINE", "1:SQL"), history("tags"));
    }

    @Test
    void aDatabaseOlderThanRelease01IsRefusedWithTheWayOut() throws Exception {
        legacyHistory("4");
        SchemaMigrationException e = assertThrows(SchemaMigrationException.class, () -> CapabilityMigrator.migrate(ds,
                SchemaHeader.parse("notes;legacy-baseline=1"), scripts("notes-v1"), getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("older than release 0.1") && e.remedy().contains("labd 0.1"), e.getMessage());
        assertFalse(CapabilityMigrator.tableExists(ds, "flyway_history_notes"));
    }

    @Test
    void aBundleWithoutMigrationsIsToldWhereTheyBelong() {
        SchemaMigrationException e = assertThrows(SchemaMigrationException.class, () -> CapabilityMigrator.migrate(ds,
                SchemaHeader.parse("empty"), new MigrationScripts("db/empty", Map.of()), getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("db/empty/V<n>__<what>.sql"), e.getMessage());
    }

    @Test
    void theHeaderIsParsedStrictly() {
        assertEquals(new SchemaHeader("tokens", java.util.Optional.of("1")), SchemaHeader.parse(" tokens ; legacy-baseline=1"));
        assertEquals("flyway_history_tokens", SchemaHeader.parse("tokens").historyTable());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SchemaHeader.parse("Tokens; drop"))
                .getMessage().contains("not a capability name"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SchemaHeader.parse("tokens;baseline=1"))
                .getMessage().contains("legacy-baseline=<version>"));
    }

    private String migrate(String capability, String folder) throws Exception {
        return CapabilityMigrator.migrate(ds, SchemaHeader.parse(capability), scripts(folder), getClass().getClassLoader());
    }

    private static MigrationScripts scripts(String folder) throws URISyntaxException, java.io.IOException {
        Path path = Path.of(CapabilityMigratorTest.class.getClassLoader().getResource("migrations/" + folder).toURI());
        Map<String, URL> found = new HashMap<>();
        try (Stream<Path> files = Files.list(path)) {
            for (Path f : files.toList()) {
                found.put(f.getFileName().toString(), f.toUri().toURL());
            }
        }
        return new MigrationScripts("db/" + folder, found);
    }

    private void legacyHistory(String reached) throws SQLException {
        sql(ds, "CREATE TABLE flyway_schema_history (installed_rank INT PRIMARY KEY, version VARCHAR(50),"
                + " description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL,"
                + " checksum INT, installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT now(),"
                + " execution_time INT NOT NULL, success BOOLEAN NOT NULL)");
        for (int v = 1; v <= Integer.parseInt(reached); v++) {
            sql(ds, "INSERT INTO flyway_schema_history VALUES (" + v + ", '" + v + "', 'm', 'SQL', 'V" + v
                    + "__m.sql', 0, 'labd', now(), 1, true)");
        }
    }

    private List<String> history(String capability) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT version, type FROM flyway_history_" + capability + " WHERE success ORDER BY installed_rank")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + ":" + rs.getString(2));
            }
        }
        return rows;
    }

    private String single(String query) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            assertTrue(rs.next(), query);
            return rs.getString(1);
        }
    }

    private static void sql(DataSource ds, String statement) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
