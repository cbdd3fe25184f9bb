package io.labctl.persistence;

import java.util.function.Supplier;
import javax.sql.DataSource;
import org.osgi.annotation.versioning.ProviderType;

/**
 * labd's database, registered once the schema is migrated. Capability bundles keep their own MyBatis mapper
 * interfaces and get a {@link Sessions} for them; work from several bundles becomes one transaction by running it
 * inside {@link #transaction}.
 */
@ProviderType
public interface Database {

    /** The pooled DataSource (PostgreSQL or any PostgreSQL-wire database). */
    DataSource dataSource();

    /** Sessions over the given annotated MyBatis mapper interfaces. Build once per component, at activation. */
    Sessions sessions(Class<?>... mappers);

    /**
     * Runs work in one transaction on one connection: every {@link Sessions} call inside it, from any bundle,
     * joins it. Commits when work returns, rolls back when it throws, and retries the whole of it on a
     * serialization failure (SQLSTATE 40001, as CockroachDB asks of clients). Nested calls join the outer one.
     */
    <T> T transaction(Supplier<T> work);

    /** A short description for logs and health: product, version and where. */
    String describe();
}
