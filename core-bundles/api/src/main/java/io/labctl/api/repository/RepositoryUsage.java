package io.labctl.api.repository;

import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/** Tells the repository that an entry is in use (it refuses to remove it while any usage answers). */
@ConsumerType
public interface RepositoryUsage {
    Optional<String> usedBy(String name, String version);
}
