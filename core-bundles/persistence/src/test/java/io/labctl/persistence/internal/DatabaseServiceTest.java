package io.labctl.persistence.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.persistence.Sessions;
import java.nio.file.Path;
import java.util.List;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs against a real embedded PostgreSQL, as labd does. */
class DatabaseServiceTest {
    @TempDir
    static Path dir;
    static DatabaseService db;

    public interface SampleMapper {
        @Insert("INSERT INTO samples (name) VALUES (#{name})")
        int add(@Param("name") String name);

        @Select("SELECT name FROM samples ORDER BY name")
        List<String> names();

        @Select("SELECT count(*) FROM flyway_history_sample WHERE success AND type = 'SQL'")
        int migrations();
    }

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabases.start(dir.resolve("pg"));
        TestDatabases.schema(db, "sample");
    }

    @AfterAll
    static void stop() throws Exception {
        if (db != null) {
            db.deactivate();
        }
    }

    @Test
    void aCapabilitySchemaIsMigratedOnARealPostgres() {
        Sessions s = db.sessions(SampleMapper.class);
        assertEquals(1, s.mapper(SampleMapper.class, SampleMapper::migrations));
        assertTrue(db.describe().startsWith("PostgreSQL 18"), db.describe());
    }

    @Test
    void workFromSeveralSessionsIsOneTransaction() {
        Sessions a = db.sessions(SampleMapper.class);
        Sessions b = db.sessions(SampleMapper.class);
        assertThrows(IllegalStateException.class, () -> db.transaction(() -> {
            a.mapper(SampleMapper.class, m -> m.add("tx-a"));
            b.mapper(SampleMapper.class, m -> m.add("tx-b"));
            throw new IllegalStateException("fail after both writes");
        }));
        List<String> names = a.mapper(SampleMapper.class, SampleMapper::names);
        assertTrue(!names.contains("tx-a") && !names.contains("tx-b"), "rolled back: " + names);

        db.transaction(() -> {
            a.mapper(SampleMapper.class, m -> m.add("ok-a"));
            return b.mapper(SampleMapper.class, m -> m.add("ok-b"));
        });
        names = a.mapper(SampleMapper.class, SampleMapper::names);
        assertTrue(names.containsAll(List.of("ok-a", "ok-b")), names.toString());
    }

    @Test
    void aConfiguredJdbcUrlIsUsedInsteadOfAnEmbeddedServer() throws Exception {
        // the embedded server above stands in for an external PostgreSQL: a second service pointed at it by URL
        String url = db.describe().substring(db.describe().indexOf("jdbc:"));
        DatabaseService external = new DatabaseService(TestDatabases.config(java.util.Map.of("jdbcUrl", url, "user", "postgres",
                "dataDir", dir.resolve("must-not-exist").toString())));
        try {
            db.sessions(SampleMapper.class).mapper(SampleMapper.class, m -> m.add("seen-through-url"));
            assertTrue(external.sessions(SampleMapper.class).mapper(SampleMapper.class, SampleMapper::names).contains("seen-through-url"));
            assertTrue(!java.nio.file.Files.exists(dir.resolve("must-not-exist")), "no embedded server was started");
        } finally {
            external.deactivate();
        }
    }

    @Test
    void serializationFailuresAreRecognised() {
        assertTrue(DatabaseService.isSerializationFailure(new RuntimeException(new java.sql.SQLException("x", "40001"))));
        assertEquals(false, DatabaseService.isSerializationFailure(new RuntimeException(new java.sql.SQLException("x", "23505"))));
    }
}
