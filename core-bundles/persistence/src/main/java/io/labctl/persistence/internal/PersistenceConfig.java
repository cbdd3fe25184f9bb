package io.labctl.persistence.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "labd database", description = "Where labd keeps its state")
public @interface PersistenceConfig {
    @AttributeDefinition(description = "JDBC URL of a PostgreSQL-wire database (PostgreSQL, CockroachDB). "
            + "Empty: labd runs its own PostgreSQL under dataDir.")
    String jdbcUrl() default "";

    @AttributeDefinition(description = "Database user for jdbcUrl")
    String user() default "labd";

    @AttributeDefinition(description = "File holding the database password for jdbcUrl (owner-only)", required = false)
    String passwordFile() default "";

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "Database password for jdbcUrl; prefer passwordFile", required = false)
    String password() default "";

    @AttributeDefinition(description = "Port of the embedded PostgreSQL (loopback only)")
    int embeddedPort() default 15432;

    @AttributeDefinition(description = "Data directory of the embedded PostgreSQL; default ${karaf.data}/postgresql")
    String dataDir() default "";

    @AttributeDefinition(description = "The embedded PostgreSQL flushes every commit to disk (fsync, synchronous "
            + "commit): a commit labd reported, an audit row included, survives a power cut. Tests turn it off for speed.")
    boolean embeddedDurable() default true;

    @AttributeDefinition(description = "Largest number of pooled connections")
    int poolSize() default 10;
}
