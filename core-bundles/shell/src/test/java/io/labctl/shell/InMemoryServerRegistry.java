package io.labctl.shell;

import io.labctl.api.Identity;
import io.labctl.api.JoinTokens;
import io.labctl.api.ServerRegistry;
import io.labctl.protocol.HostFacts;
import io.labctl.protocol.Selector;
import io.labctl.protocol.ServerInfo;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test double of {@link ServerRegistry}: servers in a map, listed by name as the real registry lists them (safe to
 * read from several threads); deletions go to a shared event log.
 */
public final class InMemoryServerRegistry implements ServerRegistry {
    public final Map<String, ServerInfo> servers = new ConcurrentHashMap<>();
    public final List<String> events;

    public InMemoryServerRegistry(List<String> events) {
        this.events = events;
    }

    public InMemoryServerRegistry() {
        this(new CopyOnWriteArrayList<>());
    }

    /** A server in cloud {@code lab}, seen now. */
    public InMemoryServerRegistry add(String name, String env, String role, String status) {
        return add(name, "lab", env, role, status, Instant.now());
    }

    public InMemoryServerRegistry add(String name, String cloud, String env, String role, String status,
            Instant lastSeen) {
        servers.put(name, new ServerInfo("id-" + name, name, cloud, env, role, Map.of(), status, lastSeen, Instant.EPOCH,
                null, null, null));
        return this;
    }

    @Override
    public List<ServerInfo> list(Selector selector) {
        return servers.values().stream()
                .filter(s -> selector.matches(Selector.attributesOf(s.name(), s.environment(), s.cloud(), s.role(), s.labels())))
                .sorted(Comparator.comparing(ServerInfo::name)).toList();
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
