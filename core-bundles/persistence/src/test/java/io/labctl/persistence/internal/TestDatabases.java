package io.labctl.persistence.internal;

import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.net.JarURLConnection;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * For other bundles' tests: a real embedded PostgreSQL, exactly as labd starts it, and each capability's schema
 * migrated from the test's class path as labd migrates it from the bundle.
 */
public final class TestDatabases {
    private TestDatabases() {}

    public static DatabaseService start(Path dataDir) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return new DatabaseService(config(Map.of("dataDir", dataDir.toString(), "embeddedPort", port, "embeddedDurable", false)));
    }

    /**
     * Migrates the capability's {@code db/<capability>/V*.sql} found on the class path (the bundle's own
     * {@code target/classes} in its tests) as labd would, and returns its {@link Schema}.
     */
    public static Schema schema(Database db, String capability) {
        SchemaHeader header = SchemaHeader.parse(capability + ";legacy-baseline=1");
        String version = CapabilityMigrator.migrate(db.dataSource(), header, classPathScripts(header),
                TestDatabases.class.getClassLoader());
        return new CapabilitySchema(capability, version, db);
    }

    static MigrationScripts classPathScripts(SchemaHeader header) {
        URL folder = Thread.currentThread().getContextClassLoader().getResource(header.folder());
        Map<String, URL> found = new HashMap<>();
        try {
            if (folder != null && folder.getProtocol().equals("jar")) {
                // another bundle's jar on the test class path (provisioning's tests use the tokens capability)
                JarURLConnection connection = (JarURLConnection) folder.openConnection();
                connection.setUseCaches(false);
                String jar = folder.toString().substring(0, folder.toString().indexOf("!/") + 2);
                try (JarFile file = connection.getJarFile()) {
                    for (JarEntry e : Collections.list(file.entries())) {
                        if (e.getName().startsWith(header.folder() + "/") && e.getName().endsWith(".sql")) {
                            found.put(e.getName().substring(e.getName().lastIndexOf('/') + 1), new URL(jar + e.getName()));
                        }
                    }
                }
            } else if (folder != null) {
                try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".sql")).toList()) {
                        found.put(f.getFileName().toString(), f.toUri().toURL());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return new MigrationScripts(header.folder(), found);
    }

    /** Runs one SQL statement on its own connection (test setup: truncating, planting rows). */
    public static void sql(Database db, String statement) throws java.sql.SQLException {
        try (java.sql.Connection c = db.dataSource().getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    /** The first column of every row the query answers, as text. */
    public static java.util.List<String> column(Database db, String query) throws java.sql.SQLException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (java.sql.Connection c = db.dataSource().getConnection(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery(query)) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }

    public static void stop(Database db) throws IOException {
        if (db instanceof DatabaseService s) {
            s.deactivate();
        }
    }

    static PersistenceConfig config(Map<String, Object> values) {
        return (PersistenceConfig) Proxy.newProxyInstance(PersistenceConfig.class.getClassLoader(),
                new Class<?>[] {PersistenceConfig.class}, (proxy, method, args) ->
                        values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue());
    }
}
