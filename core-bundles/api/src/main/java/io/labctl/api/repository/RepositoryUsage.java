package io.labctl.api.repository;

import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Something that uses repository entries (such as module assignments): while one answers for NAME/VERSION, the
 * repository refuses to remove it. Registered as a service by the capability that knows the use.
 */
@ConsumerType
public interface RepositoryUsage {

    /** Who or what uses NAME/VERSION, in words for the refusal ({@code "assigned to servers role=k3s (revision 3)"}); empty if nothing does. */
    Optional<String> usedBy(String name, String version);
}
