package io.labctl.persistence.internal;

import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.persistence.Sessions;

/** The {@link Schema} service of one capability whose migrations ran. */
record CapabilitySchema(String capability, String version, Database database) implements Schema {
    @Override
    public Sessions sessions(Class<?>... mappers) {
        return database.sessions(mappers);
    }
}
