package io.labctl.shell;

import io.labctl.api.Identity;
import io.labctl.api.JoinTokens;
import io.labctl.api.ServerRegistry;
import io.labctl.protocol.HostFacts;
import io.labctl.protocol.Selector;
import io.labctl.protocol.ServerInfo;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Test double of {@link ServerRegistry}: servers in a map; deletions go to a shared event log. */
public final class InMemoryServerRegistry implements ServerRegistry {
    public final Map<String, ServerInfo> servers = new LinkedHashMap<>();
    public final List<String> events;

    public InMemoryServerRegistry(List<String> events) {
        this.events = events;
    }

    public InMemoryServerRegistry add(String name, String cloud, String env, String role, String status,
            Instant lastSeen) {
        servers.put(name, new ServerInfo("id-" + name, name, cloud, env, role, Map.of(), status, lastSeen, Instant.EPOCH,
                null, null, null));
        return this;
    }

    @Override
    public List<ServerInfo> list(Selector selector) {
        List<ServerInfo> out = new ArrayList<>();
        for (ServerInfo s : servers.values()) {
            if (selector.matches(Selector.attributesOf(s.name(), s.environment(), s.cloud(), s.role(), s.labels()))) {
                out.add(s);
            }
        }
        return out;
    }

    /** The filtering per server is the real registry's (RegistryServiceTest): this one records who asked. */
    @Override
    public List<ServerInfo> list(Identity caller, Selector selector) {
        events.add("list for " + caller);
        return list(selector);
    }

    @Override
    public int remove(Identity caller, String name) {
        events.add("remove " + name + " for " + caller);
        servers.remove(name);
        return 2;
    }

    @Override
    public Optional<ServerInfo> find(String name) {
        return Optional.ofNullable(servers.get(name));
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
        events.add("delete " + name);
        return servers.remove(name) != null;
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
