package io.labctl.persistence.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.labctl.api.ApiException;
import io.labctl.api.HealthCheck;
import io.labctl.persistence.Database;
import io.labctl.persistence.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
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
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * labd's database: the embedded PostgreSQL (or a configured server), a HikariCP pool, and MyBatis sessions that
 * join a thread-bound transaction. Each capability's tables come from its own bundle ({@link SchemaExtender}).
 */
@Component(service = {Database.class, HealthCheck.class}, configurationPid = "io.labctl.persistence", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = PersistenceConfig.class)
public class DatabaseService implements Database, HealthCheck {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseService.class);
    private static final int MAX_ATTEMPTS = 8;
    /** How long a request waits for a connection before it fails: a few seconds, never a client's whole timeout. */
    static final long CONNECTION_TIMEOUT_MILLIS = 3_000;
    /** How long a health check's answer is reused, so that anonymous health requests cannot load the database. */
    private static final long HEALTH_CACHE_NANOS = 1_000_000_000L;
    /**
     * After a failed connection, further requests fail at once for this long instead of each waiting the connection
     * timeout again: a request that touches the database several times (access, work, audit) still fails within one
     * timeout, and the database is tried again right after.
     */
    private static final long FAIL_FAST_NANOS = 2_000_000_000L;
    static final String UNREACHABLE = "labd's database is unreachable; labd serves requests again by itself as soon"
            + " as it is back (administrators: see labd's log, and 'The database' in docs/operations.md)";

    private final ThreadLocal<Connection> current = new ThreadLocal<>();
    private final EmbeddedDatabase embedded;
    private final HikariDataSource pool;
    private final String description;
    /** When a connection last failed (System.nanoTime), 0 while the database answers. */
    private volatile long lastFailureAt;
    private Status lastHealth;
    private long lastHealthAt;

    @Activate
    public DatabaseService(PersistenceConfig config) throws IOException {
        EmbeddedDatabase started = null;
        String url = config.jdbcUrl().strip();
        String user = config.user();
        String password = password(config);
        String identityCheck = null;
        if (url.isEmpty()) {
            String dir = config.dataDir().isBlank()
                    ? System.getProperty("karaf.data", "data") + "/postgresql" : config.dataDir();
            started = EmbeddedDatabase.start(Path.of(dir), config.embeddedPort(), config.embeddedDurable());
            url = started.jdbcUrl();
            identityCheck = started.identityCheckSql();
            user = "postgres";
            password = null;
        }
        this.embedded = started;
        try {
            this.pool = pool(url, user, password, config.poolSize(), identityCheck);
            this.description = describe(pool, url);
            LOG.info("database ready: {}; each capability's schema is migrated when its bundle starts", description);
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

    /** identityCheck: SQL run on every new connection (embedded mode: proves the server is the one labd started). */
    private static HikariDataSource pool(String url, String user, String password, int size, String identityCheck) {
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
        // a server that is stopped (not gone) must not hold a request longer than the pool would
        pg.setConnectTimeout((int) (CONNECTION_TIMEOUT_MILLIS / 1000));
        HikariConfig hc = new HikariConfig();
        hc.setDataSource(pg);
        hc.setPoolName("labd");
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(1);
        hc.setAutoCommit(true);
        hc.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        hc.setValidationTimeout(CONNECTION_TIMEOUT_MILLIS - 1_000);
        if (identityCheck != null) {
            hc.setConnectionInitSql(identityCheck);
        }
        return new HikariDataSource(hc);
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
    public String part() {
        return "database";
    }

    @Override
    public synchronized Status check() {
        long now = System.nanoTime();
        if (lastHealth != null && now - lastHealthAt < HEALTH_CACHE_NANOS) {
            return lastHealth;
        }
        Status status;
        try (Connection c = connection()) {
            status = c.isValid((int) (CONNECTION_TIMEOUT_MILLIS / 1000)) ? Status.ok() : Status.unavailable(UNREACHABLE);
        } catch (SQLException e) {
            LOG.warn("health: no database connection: {}", e.getMessage());
            status = Status.unavailable(UNREACHABLE);
        }
        lastHealth = status;
        lastHealthAt = System.nanoTime();
        return status;
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
            try (Connection c = connection()) {
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
                    if (isConnectionFailure(e)) {
                        throw unreachable(e);
                    }
                    throw e;
                } catch (SQLException e) {
                    rollbackQuietly(c);
                    if (attempt < MAX_ATTEMPTS && isSerializationFailure(e)) {
                        backoff(attempt);
                        continue;
                    }
                    if (isConnectionFailure(e)) {
                        throw unreachable(e);
                    }
                    throw new IllegalStateException("database commit failed: " + e.getMessage(), e);
                } finally {
                    current.remove();
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                throw unreachable(e);
            }
        }
    }

    private Connection connection() throws SQLException {
        long failedAt = lastFailureAt;
        if (failedAt != 0 && System.nanoTime() - failedAt < FAIL_FAST_NANOS) {
            throw new SQLTransientConnectionException("the database did not answer just now", "08001");
        }
        try {
            Connection c = pool.getConnection();
            lastFailureAt = 0;
            return c;
        } catch (SQLException e) {
            lastFailureAt = System.nanoTime();
            throw e;
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed", e);
        }
    }

    /**
     * The database went away or cannot be reached (SQLSTATE class 08, a server shutting down or starting: 57P01-57P03,
     * or the pool's timeout): not the request's fault, and over once the database is back.
     */
    static boolean isConnectionFailure(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause()) {
            if (x instanceof SQLTransientConnectionException || x instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (x instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().matches("57P0[123]"))) {
                return true;
            }
        }
        return false;
    }

    private ApiException unreachable(Throwable cause) {
        lastFailureAt = System.nanoTime();
        LOG.warn("database unreachable: {}", cause.getMessage());
        ApiException e = ApiException.unavailable("database_unreachable", UNREACHABLE);
        e.initCause(cause);
        return e;
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
