package io.labctl.registry.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.api.ApiException;
import io.labctl.api.CertificateAuthority;
import io.labctl.api.Identity;
import io.labctl.api.LazyService;
import io.labctl.api.JoinTokens;
import io.labctl.api.ServerRegistry;
import io.labctl.api.access.AccessDecisions;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.persistence.Sessions;
import io.labctl.protocol.HostFacts;
import io.labctl.protocol.Json;
import io.labctl.protocol.Selector;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Servers and their agents. Presence lives in memory on the labd instance that holds an agent's connection;
 * the database learns last-seen times in batches, so a heartbeat costs no write.
 */
@Component(service = ServerRegistry.class, configurationPid = "io.labctl.registry", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = RegistryConfig.class)
public class RegistryService implements ServerRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryService.class);
    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};

    /** What this instance knows of a connected agent. */
    private record Presence(Instant lastBeat) {}

    private final Database database;
    private final Sessions sessions;
    @Reference
    CertificateAuthority ca;
    /**
     * Optional: enrolment and presence need no access control; only the callers' calls do (and fail closed). Taken at
     * the first call: rbac's decisions read this registry, so binding them at activation would be a cycle.
     */
    volatile LazyService<AccessDecisions> decisions;
    private final Duration offlineAfter;
    private final Duration flushEvery;
    /** This labd instance, as recorded in agents.connected_via. */
    private final String instance = hostName() + "/" + java.util.UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, Presence> present = new ConcurrentHashMap<>();
    private final Set<String> heardSinceFlush = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "labd-last-seen-flush");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public RegistryService(@Reference Database database,
            // present once the registry schema is current: the component waits for its migrations
            @Reference(target = "(labctl.schema=registry)") Schema schema, RegistryConfig config) {
        this.database = database;
        this.sessions = database.sessions(ServerMapper.class);
        this.offlineAfter = Duration.ofSeconds(config.offlineAfterSeconds());
        this.flushEvery = Duration.ofSeconds(config.lastSeenFlushSeconds());
        long ms = flushEvery.toMillis();
        flusher.scheduleWithFixedDelay(this::flush, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        flusher.shutdownNow();
        flush();
    }

    /** Writes last_seen for every server heard from since the previous flush, in one statement. */
    void flush() {
        if (heardSinceFlush.isEmpty()) {
            return;
        }
        Set<String> batch = new HashSet<>(heardSinceFlush);
        heardSinceFlush.removeAll(batch);
        try {
            sessions.mapper(ServerMapper.class, m -> m.touch(batch));
        } catch (RuntimeException e) {
            heardSinceFlush.addAll(batch);
            LOG.warn("could not record last-seen times of {} servers: {}", batch.size(), e.getMessage());
        }
    }

    @Override
    public List<ServerInfo> list(Selector selector) {
        List<ServerInfo> out = new ArrayList<>();
        for (ServerRow r : sessions.mapper(ServerMapper.class, ServerMapper::all)) {
            Map<String, String> labels = labels(r.labels);
            ServerInfo info = info(r, labels);
            if (selector.matches(Selector.attributesOf(r.name, r.environment, r.cloud, r.role, labels, info.facts()))) {
                out.add(info);
            }
        }
        return out;
    }

    @Override
    public List<ServerInfo> list(Identity caller, Selector selector) {
        AccessDecisions access = decisions();
        return list(selector).stream()
                .filter(s -> access.decide(caller, Permission.on(Action.READ, s.cloud(), s.environment(), s.name())).allowed())
                .toList();
    }

    @Override
    public int remove(Identity caller, String name) {
        AccessDecisions access = decisions();
        access.require(caller, access.onServer(Action.MANAGE, name));
        if (find(name).isEmpty()) {
            throw ApiException.notFound("server-not-found", "no server named " + name + "; see 'labctl get servers'");
        }
        int revoked = ca.revokeAll(new Identity(Identity.Kind.AGENT, name), "server deleted");
        delete(name);
        return revoked;
    }

    private AccessDecisions decisions() {
        LazyService<AccessDecisions> lazy = decisions;
        return AccessDecisions.present(lazy == null ? null : lazy.get());
    }

    @Reference(service = AccessDecisions.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, unbind = "unsetDecisions")
    void setDecisions(ComponentServiceObjects<AccessDecisions> objects) {
        decisions = new LazyService<>(objects);
    }

    void unsetDecisions(ComponentServiceObjects<AccessDecisions> objects) {
        LazyService<AccessDecisions> lazy = decisions;
        if (lazy != null && lazy.holds(objects)) {
            decisions = null;
            lazy.release();
        }
    }

    @Override
    public Optional<ServerInfo> find(String name) {
        ServerRow r = sessions.mapper(ServerMapper.class, m -> m.byName(name));
        return Optional.ofNullable(r).map(row -> info(row, labels(row.labels)));
    }

    @Override
    public boolean isEnrolled(String name) {
        return sessions.mapper(ServerMapper.class, m -> m.agentCount(name)) > 0;
    }

    @Override
    public void enrolled(String name, JoinTokens.Grant grant, X509Certificate certificate) {
        database.transaction(() -> sessions.mapper(ServerMapper.class, m -> {
            m.upsertServer(name, grant.cloud(), grant.environment(), grant.role(), json(grant.labels()));
            if (m.insertAgent(name, grant.tokenId().toString(), serial(certificate), certificate.getNotAfter().toInstant()) != 1) {
                throw new IllegalStateException("server " + name + " vanished during enrolment");
            }
            return null;
        }));
    }

    @Override
    public void renewed(String name, X509Certificate certificate) {
        int n = sessions.mapper(ServerMapper.class, m -> m.renewAgent(name, serial(certificate), certificate.getNotAfter().toInstant()));
        if (n != 1) {
            throw ApiException.notFound("server-not-found", "server " + name + " is not enrolled any more; enrol it again with a new join token");
        }
    }

    @Override
    public boolean delete(String name) {
        present.remove(name);
        heardSinceFlush.remove(name);
        return sessions.mapper(ServerMapper.class, m -> m.delete(name)) > 0;
    }

    @Override
    public void connected(String name, HostFacts facts) {
        present.put(name, new Presence(Instant.now()));
        database.transaction(() -> sessions.mapper(ServerMapper.class, m -> {
            m.updateFacts(name, json(facts));
            return m.connectedVia(name, instance);
        }));
    }

    @Override
    public void heartbeat(String name, HostFacts facts) {
        present.put(name, new Presence(Instant.now()));
        if (facts != null) {
            sessions.mapper(ServerMapper.class, m -> m.updateFacts(name, json(facts)));
        } else {
            heardSinceFlush.add(name);
        }
    }

    @Override
    public void disconnected(String name) {
        if (present.remove(name) != null) {
            heardSinceFlush.add(name);
            try {
                sessions.mapper(ServerMapper.class, m -> m.disconnectedFrom(name, instance));
            } catch (RuntimeException e) {
                LOG.warn("could not record that {} disconnected: {}", name, e.getMessage());
            }
        }
    }

    private ServerInfo info(ServerRow r, Map<String, String> labels) {
        Instant now = Instant.now();
        Presence p = present.get(r.name);
        String status;
        Instant lastSeen = r.lastSeen;
        if (p != null) {
            lastSeen = p.lastBeat();
            status = p.lastBeat().plus(offlineAfter).isAfter(now) ? ServerInfo.ONLINE : ServerInfo.OFFLINE;
        } else if (r.lastSeen == null) {
            status = ServerInfo.NEVER_CONNECTED;
        } else {
            // held by another labd instance, if that one says so and flushed recently enough
            status = r.connectedVia != null && r.lastSeen.plus(offlineAfter).plus(flushEvery).isAfter(now)
                    ? ServerInfo.ONLINE : ServerInfo.OFFLINE;
        }
        HostFacts facts = null;
        if (r.facts != null) {
            try {
                facts = Json.json().readValue(r.facts, HostFacts.class);
            } catch (JsonProcessingException e) {
                LOG.warn("facts of server {} are not readable: {}", r.name, e.getOriginalMessage());
            }
        }
        return new ServerInfo(r.id, r.name, r.cloud, r.environment, r.role, labels, status, lastSeen, r.enrolledAt, facts,
                r.certificateSerial, r.certificateExpires);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "labd";
        }
    }

    static String serial(X509Certificate c) {
        return c.getSerialNumber().toString(16);
    }

    private static Map<String, String> labels(String json) {
        try {
            return json == null ? Map.of() : Json.json().readValue(json, LABELS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("labels are not a JSON object", e);
        }
    }

    private static String json(Object o) {
        try {
            return Json.json().writeValueAsString(o == null ? Map.of() : o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
