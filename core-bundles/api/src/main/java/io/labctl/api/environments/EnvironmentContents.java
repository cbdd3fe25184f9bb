package io.labctl.api.environments;

import io.labctl.protocol.environments.EnvironmentInfo;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: a capability that keeps things in environments (servers, clusters) registers one, so that
 * {@code describe environment/NAME} shows them and an environment is not deleted while any is in it.
 */
@ConsumerType
public interface EnvironmentContents {
    /**
     * What of this capability is in the environment: one entry per kind (e.g. {@code servers}, {@code bastions}),
     * each with its count and at most {@code limit} names, sorted; kinds with nothing may be left out.
     */
    List<EnvironmentInfo.Contents> in(String environment, int limit);
}
