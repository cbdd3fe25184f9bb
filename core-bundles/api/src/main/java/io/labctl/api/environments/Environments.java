package io.labctl.api.environments;

import io.labctl.api.ApiException;
import io.labctl.protocol.environments.EnvironmentInfo;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The environments labd knows, each under one cloud. Names are unique across clouds, so an environment's name alone
 * gives its cloud. Clouds {@value #BAREMETAL} and {@value #LOCAL} always exist.
 */
@ProviderType
public interface Environments {
    /** The cloud of machines labctl provisions itself; every bastion's environment is under it. */
    String BAREMETAL = "baremetal";
    /** The cloud of the machine labctl runs on (the quick start's). */
    String LOCAL = "local";

    Optional<EnvironmentInfo> find(String name);

    /** The environment, or 400 {@code unknown-environment} naming it and the command that creates it. */
    EnvironmentInfo require(String name);

    /**
     * The cloud a request names for an environment: the environment's own when {@code cloud} is null or blank, the
     * same cloud when it matches; 400 when the environment does not exist or lives under another cloud. With no
     * environment, a given cloud must exist ({@code unknown-cloud}), and null stays null.
     */
    String cloudOf(String environment, String cloud);

    /** Every environment, by name. */
    List<EnvironmentInfo> list();

    /**
     * Creates the environment under the cloud unless it exists there already (for a capability that brings its
     * own, e.g. a bastion's under {@value #BAREMETAL}); 409 when it exists under another cloud. by: who asked.
     */
    EnvironmentInfo ensure(String name, String cloud, String by);

    /** The answer capabilities give when this service is not running and an environment must be checked. */
    static Environments present(Environments environments) {
        if (environments == null) {
            throw ApiException.unavailable("environments-unavailable", "environments are not running, so labd cannot"
                    + " check the environment named; an administrator must start them (feature:install"
                    + " labd-environments)");
        }
        return environments;
    }
}
