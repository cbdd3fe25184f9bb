package io.labctl.modules.internal;

import io.labctl.persistence.Database;
import io.labctl.persistence.internal.TestDatabases;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** A real PostgreSQL with the modules schema, one per test class that extends this, emptied by {@link #empty}. */
abstract class ModulesDatabase {
    @TempDir
    static Path dir;
    static Database db;

    @BeforeAll
    static void startDatabase() throws Exception {
        db = TestDatabases.start(dir.resolve("pg"));
        TestDatabases.schema(db, "modules");
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        TestDatabases.stop(db);
    }

    /** No assignment, state or run left by an earlier test. */
    static void empty() throws Exception {
        sql("TRUNCATE module_revisions, module_servers, module_runs");
    }

    static void sql(String statement) throws Exception {
        TestDatabases.sql(db, statement);
    }

    /** The first column of every row the query answers, as text. */
    static List<String> column(String query) throws Exception {
        return TestDatabases.column(db, query);
    }
}
