package io.labctl.rbac.internal;

import io.labctl.api.Identity;
import io.labctl.api.JoinTokens;
import io.labctl.api.ServerRegistry;
import io.labctl.protocol.HostFacts;
import io.labctl.protocol.Selector;
import io.labctl.protocol.ServerInfo;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Test double for the server registry: servers a test puts in a map; only lookups by name are supported. */
final class FixedServerRegistry implements ServerRegistry {
    private final Map<String, ServerInfo> servers = new ConcurrentHashMap<>();

    FixedServerRegistry add(String name, String cloud, String environment) {
        servers.put(name, new ServerInfo(null, name, cloud, environment, null, Map.of(), ServerInfo.NEVER_CONNECTED,
                null, null, null, null, null));
        return this;
    }

    @Override
    public Optional<ServerInfo> find(String name) {
        return Optional.ofNullable(servers.get(name));
    }

    @Override
    public List<ServerInfo> list(Identity caller, Selector selector) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int remove(Identity caller, String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<ServerInfo> list(Selector selector) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isEnrolled(String name) {
        return servers.containsKey(name);
    }

    @Override
    public void enrolled(String name, JoinTokens.Grant grant, X509Certificate certificate) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void renewed(String name, X509Certificate certificate) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean delete(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void connected(String name, HostFacts facts) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void heartbeat(String name, HostFacts facts) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void disconnected(String name) {
        throw new UnsupportedOperationException();
    }
}
