package io.labctl.persistence.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.internal.exception.FlywayMigrateException;

/**
 * Runs one capability's migrations with a Flyway history of its own ({@code flyway_history_<capability>}), so
 * capabilities come, go and move forward independently in the one database.
 *
 * <p>A capability's history starts with a baseline row: version 0 on a database that never had its tables (Flyway
 * refuses to migrate a non-empty schema without a history, and other capabilities' tables are there), or its
 * {@code legacy-baseline} on a database made by labd 0.1, whose shared history ({@code flyway_schema_history}, left
 * untouched) already created those tables.
 */
final class CapabilityMigrator {
    /** labd 0.1 kept every table in this one history. */
    static final String LEGACY_HISTORY = "flyway_schema_history";
    /** The version labd 0.1's shared history reached: the release every legacy-baseline describes. */
    static final String LEGACY_RELEASE_VERSION = "5";

    private CapabilityMigrator() {}

    /** Migrates the capability to its newest version and returns that version. */
    static String migrate(DataSource ds, SchemaHeader header, MigrationScripts scripts, ClassLoader flywayLoader) {
        if (scripts.isEmpty()) {
            throw new SchemaMigrationException("its bundle declares " + SchemaHeader.NAME + ": " + header.capability()
                    + " but carries no migration " + header.folder() + "/V<n>__<what>.sql", "add its migrations to"
                    + " src/main/resources/" + header.folder() + " or drop the header");
        }
        try {
            if (!tableExists(ds, header.historyTable())) {
                startHistory(ds, header, scripts, flywayLoader);
            }
            Flyway flyway = flyway(ds, header, scripts, flywayLoader).load();
            flyway.migrate();
            MigrationInfo current = flyway.info().current();
            return current == null ? "0" : current.getVersion().getVersion();
        } catch (FlywayMigrateException e) {
            MigrationInfo failed = e.getMigration();
            String which = failed == null ? "a migration" : "migration V" + failed.getVersion() + " (" + failed.getDescription() + ")";
            throw new SchemaMigrationException(which + " failed: " + rootCause(e), "PostgreSQL rolled it back, so"
                    + " nothing of it was kept; fix its cause in the database (or ship a corrected bundle)", e);
        } catch (FlywayException e) {
            throw new SchemaMigrationException("its migrations could not run: " + rootCause(e), "fix the cause"
                    + " named here (a changed migration already applied must be restored as it was)", e);
        } catch (SQLException e) {
            throw new SchemaMigrationException("the database did not answer: " + e.getMessage(),
                    "check the database (see 'The database' in docs/operations.md)", e);
        }
    }

    private static void startHistory(DataSource ds, SchemaHeader header, MigrationScripts scripts, ClassLoader loader)
            throws SQLException {
        String baseline = "0";
        String description = "<< " + header.capability() + ": no tables yet >>";
        if (header.legacyBaseline().isPresent() && tableExists(ds, LEGACY_HISTORY)) {
            String reached = legacyVersion(ds);
            if (!LEGACY_RELEASE_VERSION.equals(reached)) {
                throw new SchemaMigrationException("the database was made by a labd older than release 0.1 (its"
                        + " shared history " + LEGACY_HISTORY + " is at version " + reached + ", 0.1 left it at "
                        + LEGACY_RELEASE_VERSION + ")", "start labd 0.1 on it once, so that it completes its"
                        + " schema, then this labd");
            }
            baseline = header.legacyBaseline().get();
            // (no quote in it: Flyway writes the description into SQL)
            description = "<< " + header.capability() + ": adopted from the history of labd 0.1 >>";
        }
        flyway(ds, header, scripts, loader).baselineVersion(baseline).baselineDescription(description).load().baseline();
    }

    private static FluentConfiguration flyway(DataSource ds, SchemaHeader header, MigrationScripts scripts, ClassLoader loader) {
        return Flyway.configure(loader)
                .dataSource(ds)
                .loggers(FlywayLog.class.getName())
                .table(header.historyTable())
                .locations("classpath:" + header.folder())
                .resourceProvider(scripts)
                .javaMigrationClassProvider(List::of)
                .validateMigrationNaming(true)
                .cleanDisabled(true);
    }

    static boolean tableExists(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            s.setString(1, table);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static String legacyVersion(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement("SELECT version FROM "
                + LEGACY_HISTORY + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1");
                ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getString(1) : "none";
        }
    }

    /** The innermost message: for a failed statement, PostgreSQL's own words. */
    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.toString() : root.getMessage();
        return message.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(message);
    }
}
