package io.labctl.modules.internal;

import io.labctl.api.repository.RepositoryUsage;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Keeps labd's repository from removing a module version that an assignment in force names. */
@Component(service = RepositoryUsage.class)
public class ModulesRepositoryUsage implements RepositoryUsage {
    private final ModuleStore store;

    @Activate
    public ModulesRepositoryUsage(@Reference Database database, @Reference(target = "(labctl.schema=modules)") Schema schema) {
        this.store = new ModuleStore(database);
    }

    @Override
    public Optional<String> usedBy(String name, String version) {
        return store.versionAssigned(name, version)
                ? Optional.of(name + "@" + version + " is assigned (labctl modules status " + name + "); remove or "
                + "re-apply its assignments with another version first")
                : Optional.empty();
    }
}
