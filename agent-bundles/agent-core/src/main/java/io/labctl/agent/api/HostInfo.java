package io.labctl.agent.api;

import io.labctl.protocol.HostFacts;
import org.osgi.annotation.versioning.ProviderType;

/** What this agent knows about its host, as it reports it to labd. Registered by the agent core. */
@ProviderType
public interface HostInfo {
    /** The host's facts now (host name, OS, kernel, architecture, CPUs, memory, ...). Cheap; read afresh each call. */
    HostFacts facts();
}
