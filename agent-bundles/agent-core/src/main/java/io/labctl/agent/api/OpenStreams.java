package io.labctl.agent.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The streams open right now on this agent's connection, by the bundle whose handler serves them; registered by the
 * agent core. A capability upgraded in place waits for its old version's streams to end before removing it.
 */
@ProviderType
public interface OpenStreams {
    /** How many streams are open on the stream handlers that bundle registered (0 when it registered none). */
    int of(long bundleId);

    /**
     * Asks the streams open on that bundle's handlers to hand themselves over to the newest handler of their kind
     * ({@link StreamReceiver#handOver}); returns how many will. The others run on until they end.
     */
    int handOver(long bundleId);
}
