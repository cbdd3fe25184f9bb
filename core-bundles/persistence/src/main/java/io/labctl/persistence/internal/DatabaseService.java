package io.labctl.persistence.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.labctl.persistence.Database;
import io.labctl.persistence.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.managed.ManagedTransactionFactory;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * labd's database: the embedded PostgreSQL (or a configured server), a HikariCP pool, Flyway migrations, and
 * MyBatis sessions that join a thread-bound transaction. Registered only once the schema is current, so every
 * bundle that needs the database simply waits for this service.
 */
@Component(service = Database.class, configurationPid = "io.labctl.persistence", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = PersistenceConfig.class)
public class DatabaseService implements Database {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseService.class);
    private static final int MAX_ATTEMPTS = 8;

    private final ThreadLocal<Connection> current = new ThreadLocal<>();
    private final EmbeddedDatabase embedded;
    private final HikariDataSource pool;
    private final String description;

    @Activate
    public DatabaseService(PersistenceConfig config) throws IOException {
        EmbeddedDatabase started = null;
        String url = config.jdbcUrl().strip();
        String user = config.user();
        String password = password(config);
        if (url.isEmpty()) {
            String dir = config.dataDir().isBlank()
                    ? System.getProperty("karaf.data", "data") + "/postgresql" : config.dataDir();
            started = EmbeddedDatabase.start(Path.of(dir), config.embeddedPort(), config.embeddedDurable());
            url = started.jdbcUrl();
            user = "postgres";
            password = null;
        }
        this.embedded = started;
        try {
            this.pool = pool(url, user, password, config.poolSize());
            MigrateResult migrated = migrate(pool);
            this.description = describe(pool, url);
            LOG.info("database ready: {}; schema version {} ({} migrations applied now)", description,
                    migrated.targetSchemaVersion, migrated.migrationsExecuted);
        } catch (RuntimeException | Error e) {
            if (started != null) {
                started.close();
            }
            throw e;
        }
    }

    private static String password(PersistenceConfig config) throws IOException {
        if (!config.passwordFile().isBlank()) {
            return Files.readString(Path.of(config.passwordFile())).strip();
        }
        return config.password().isEmpty() ? null : config.password();
    }

    private static HikariDataSource pool(String url, String user, String password, int size) {
        // The driver's own DataSource, not DriverManager: DriverManager does not see drivers across OSGi bundles.
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(url);
        pg.setUser(user);
        if (password != null) {
            pg.setPassword(password);
        }
        // Strings bind as untyped, so the server casts them to UUID and JSONB columns as needed.
        pg.setStringType("unspecified");
        pg.setApplicationName("labd");
        HikariConfig hc = new HikariConfig();
        hc.setDataSource(pg);
        hc.setPoolName("labd");
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(1);
        hc.setAutoCommit(true);
        hc.setConnectionTimeout(10_000);
        return new HikariDataSource(hc);
    }

    private static MigrateResult migrate(DataSource ds) {
        return Flyway.configure(DatabaseService.class.getClassLoader())
                .dataSource(ds)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    private static String describe(DataSource ds, String url) {
        try (Connection c = ds.getConnection()) {
            var md = c.getMetaData();
            return md.getDatabaseProductName() + " " + md.getDatabaseProductVersion() + " at " + url.replaceAll("password=[^&]*", "password=***");
        } catch (SQLException e) {
            throw new IllegalStateException("database at " + url + " does not answer: " + e.getMessage(), e);
        }
    }

    @Deactivate
    void deactivate() throws IOException {
        pool.close();
        if (embedded != null) {
            embedded.close();
        }
    }

    @Override
    public DataSource dataSource() {
        return pool;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public Sessions sessions(Class<?>... mappers) {
        // Sessions must never close or commit the borrowed connection: transaction() owns it.
        ManagedTransactionFactory borrowed = new ManagedTransactionFactory();
        Properties props = new Properties();
        props.setProperty("closeConnection", "false");
        borrowed.setProperties(props);
        Configuration cfg = new Configuration(new Environment("labd", borrowed, pool));
        cfg.setMapUnderscoreToCamelCase(true);
        cfg.setCallSettersOnNulls(true);
        for (Class<?> m : mappers) {
            cfg.addMapper(m);
        }
        SqlSessionFactory factory = new SqlSessionFactoryBuilder().build(cfg);
        return new Sessions() {
            @Override
            public <T> T with(java.util.function.Function<SqlSession, T> work) {
                return transaction(() -> {
                    // The session borrows the transaction's connection; committing and closing stay with transaction().
                    try (SqlSession s = factory.openSession(current.get())) {
                        return work.apply(s);
                    }
                });
            }
        };
    }

    @Override
    public <T> T transaction(Supplier<T> work) {
        if (current.get() != null) {
            return work.get();
        }
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                current.set(c);
                try {
                    T result = work.get();
                    c.commit();
                    return result;
                } catch (RuntimeException | Error e) {
                    rollbackQuietly(c);
                    if (attempt < MAX_ATTEMPTS && isSerializationFailure(e)) {
                        backoff(attempt);
                        continue;
                    }
                    throw e;
                } catch (SQLException e) {
                    rollbackQuietly(c);
                    if (attempt < MAX_ATTEMPTS && isSerializationFailure(e)) {
                        backoff(attempt);
                        continue;
                    }
                    throw new IllegalStateException("database commit failed: " + e.getMessage(), e);
                } finally {
                    current.remove();
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("no database connection: " + e.getMessage(), e);
            }
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed", e);
        }
    }

    /** SQLSTATE 40001: the database asks the client to retry the whole transaction (CockroachDB does so often). */
    static boolean isSerializationFailure(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause()) {
            if (x instanceof SQLException sql && "40001".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L << Math.min(attempt, 6)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a transaction", e);
        }
    }
}
