package io.labctl.ca.internal;

import io.labctl.persistence.Database;
import io.labctl.persistence.Sessions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.managed.ManagedTransactionFactory;

/**
 * Test double for {@link Database} over a real PostgreSQL: MyBatis configured as the persistence bundle does
 * (underscore to camel case, sessions that borrow a thread-bound transaction), without pooling or retries.
 */
final class PostgresDatabaseForTests implements Database {
    private final DataSource dataSource;
    private final ThreadLocal<Connection> current = new ThreadLocal<>();

    PostgresDatabaseForTests(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public Sessions sessions(Class<?>... mappers) {
        // closeConnection=false: the session borrows the transaction's connection; closing it is transaction()'s job.
        // (MyBatis' default, true, closes it when the session closes and the commit then fails.)
        ManagedTransactionFactory borrowed = new ManagedTransactionFactory();
        Properties properties = new Properties();
        properties.setProperty("closeConnection", "false");
        borrowed.setProperties(properties);
        Configuration cfg = new Configuration(new Environment("test", borrowed, dataSource));
        cfg.setMapUnderscoreToCamelCase(true);
        cfg.setCallSettersOnNulls(true);
        for (Class<?> mapper : mappers) {
            cfg.addMapper(mapper);
        }
        SqlSessionFactory factory = new SqlSessionFactoryBuilder().build(cfg);
        return new Sessions() {
            @Override
            public <T> T with(Function<SqlSession, T> work) {
                return transaction(() -> {
                    try (SqlSession session = factory.openSession(current.get())) {
                        return work.apply(session);
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
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            current.set(connection);
            try {
                T result = work.get();
                connection.commit();
                return result;
            } catch (RuntimeException | Error e) {
                connection.rollback();
                throw e;
            } finally {
                current.remove();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String describe() {
        return "PostgreSQL for tests";
    }
}
