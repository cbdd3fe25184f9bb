package io.labctl.persistence;

import java.util.List;
import java.util.Optional;

/** The state of every capability schema the persistence bundle has seen since it started (a service). */
@org.osgi.annotation.versioning.ProviderType
public interface Schemas {

    /** One entry per capability whose bundle is started, sorted by capability name. */
    List<SchemaState> states();

    /** The state of one capability's schema, if its bundle is started. */
    default Optional<SchemaState> state(String capability) {
        return states().stream().filter(s -> s.capability().equals(capability)).findFirst();
    }
}
