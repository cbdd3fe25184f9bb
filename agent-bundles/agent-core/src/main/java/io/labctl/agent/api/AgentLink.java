package io.labctl.agent.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The agent's one connection to labd, as the agent core holds it; registered by the core. The upgrade of the core
 * itself watches it: the new core must connect within a bound, or the old one is put back.
 */
@ProviderType
public interface AgentLink {
    /** True while the connection to labd is up. */
    boolean connected();
}
