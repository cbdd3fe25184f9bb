package io.labctl.api;

import io.labctl.protocol.HostFacts;
import io.labctl.protocol.Selector;
import io.labctl.protocol.ServerInfo;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Managed servers, their agents and their presence. */
@ProviderType
public interface ServerRegistry {

    List<ServerInfo> list(Selector selector);

    /** The servers that match and that the caller may read (scope from each server's record); others are not there. */
    List<ServerInfo> list(Identity caller, Selector selector);

    Optional<ServerInfo> find(String name);

    /** True if a server of that name exists with an agent enrolled. */
    boolean isEnrolled(String name);

    /** Records a newly enrolled server and its agent certificate; joins the caller's transaction. */
    void enrolled(String name, JoinTokens.Grant grant, X509Certificate certificate);

    /** Records a renewed agent certificate. */
    void renewed(String name, X509Certificate certificate);

    /** Deletes a server and its agent; returns false if it did not exist. */
    boolean delete(String name);

    /**
     * Removes a server for the caller, who needs manage on it: revokes its agent certificates first (the gateway cuts a
     * live connection as soon as its certificate is revoked), then deletes it. 404 if there is no such server.
     *
     * @return how many agent certificates were revoked
     */
    int remove(Identity caller, String name);

    /** An agent connected to this labd instance and said hello. */
    void connected(String name, HostFacts facts);

    /** A heartbeat from a connected agent; facts only when they changed. */
    void heartbeat(String name, HostFacts facts);

    /** The agent's connection to this instance ended. */
    void disconnected(String name);
}
