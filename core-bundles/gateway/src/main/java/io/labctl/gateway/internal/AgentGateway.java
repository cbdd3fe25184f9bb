package io.labctl.gateway.internal;

import io.labctl.api.AgentChannels;
import io.labctl.api.AgentStream;
import io.labctl.api.ApiException;
import io.labctl.api.CertificateAuthority;
import io.labctl.api.Identity;
import io.labctl.api.ServerRegistry;
import io.labctl.api.audit.AuditWriter;
import io.labctl.api.web.PeerPrincipal;
import io.labctl.api.web.SocketConnection;
import io.labctl.api.web.SocketEndpoint;
import io.labctl.api.web.SocketListener;
import io.labctl.api.web.StreamSession;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
 * The agents' WebSocket endpoint (/ws/agent): one connection per agent, checked against revocation continuously,
 * so deleting a server or revoking its certificate cuts it within a second. A second connection with the same
 * agent's certificate is refused while the first one is alive (see {@link DuplicateConnections}).
 */
@Component(service = {SocketEndpoint.class, AgentChannels.class}, property = {SocketEndpoint.PATH_PROPERTY + "=/agent",
        SocketEndpoint.AUDIENCE_PROPERTY + "=" + SocketEndpoint.AGENTS},
        configurationPid = "io.labctl.gateway", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = GatewayConfig.class)
public class AgentGateway implements SocketEndpoint, AgentChannels {
    private static final Logger LOG = LoggerFactory.getLogger(AgentGateway.class);
    private final ServerRegistry registry;
    private final CertificateAuthority ca;
    private final Duration helloTimeout;
    private final Duration resumeWait;
    private final DuplicateConnections duplicates;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AuditWriter audit; // optional: without it, duplicate connections are refused (nothing unrecorded)
    private final Map<String, AgentSession> sessions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "labd-agent-watchdog");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public AgentGateway(@Reference ServerRegistry registry, @Reference CertificateAuthority ca, GatewayConfig config) {
        this.registry = registry;
        this.ca = ca;
        this.helloTimeout = Duration.ofSeconds(config.helloTimeoutSeconds());
        this.resumeWait = Duration.ofSeconds(Math.max(0, Math.min(3600, config.resumeWaitSeconds())));
        this.duplicates = new DuplicateConnections(Duration.ofMillis(config.duplicateProbeMillis()), () -> audit);
        long every = config.revocationCheckMillis();
        watchdog.scheduleWithFixedDelay(this::watch, every, every, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        watchdog.shutdownNow();
        sessions.values().forEach(s -> s.close(1001, "labd gateway stopping"));
    }

    @Override
    public SocketListener open(PeerPrincipal peer, SocketConnection connection) {
        Identity id = peer.identity();
        if (id.kind() != Identity.Kind.AGENT) {
            return null;
        }
        if (!registry.isEnrolled(id.name())) {
            LOG.warn("refusing agent {}: no such server is enrolled (deleted?)", id.name());
            return null;
        }
        AgentSession[] holder = new AgentSession[1];
        AgentSession session = new AgentSession(peer, connection, registry, () -> sessions.remove(id.name(), holder[0]));
        holder[0] = session;
        AgentSession current = sessions.putIfAbsent(id.name(), session);
        if (current != null) {
            duplicates.admit(current, session); // throws the refusal while the current connection is alive
            if (!sessions.replace(id.name(), current, session)) {
                duplicates.lostRace(session);
            }
            current.replaced("replaced by a newer connection of " + id.name() + " from " + connection.remoteAddress()
                    + ": this one did not answer a liveness probe");
        }
        return session;
    }

    @Override
    public CompletableFuture<Reply> call(String server, String kind, Map<String, Object> params, int maxOutputBytes, Duration timeout) {
        AgentSession session = sessions.get(server);
        if (session == null || !session.greeted()) {
            return CompletableFuture.failedFuture(ApiException.unavailable("server-offline",
                    "server " + server + " has no agent connected to this labd; check 'labctl get servers'"));
        }
        CompletableFuture<Reply> reply = session.open(kind, params, maxOutputBytes).result;
        return reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(e ->
                CompletableFuture.failedFuture(e instanceof java.util.concurrent.TimeoutException
                        ? new ApiException(504, "agent-timeout", server + " did not finish " + kind + " within " + timeout.toMillis() + " ms")
                        : e));
    }

    @Override
    public AgentStream open(String server, String kind, Map<String, Object> params, int credit, AgentStream.Listener listener) {
        AgentSession session = sessions.get(server);
        if (session == null || !session.greeted()) {
            throw ApiException.unavailable("server-offline",
                    "server " + server + " has no agent connected to this labd; check 'labctl get servers'");
        }
        return session.openStream(kind, params, credit, listener);
    }

    @Override
    public java.time.Instant connectedAt(String server) {
        AgentSession session = sessions.get(server);
        return session == null || !session.greeted() ? null : session.openedAt();
    }

    @Override
    public SocketListener bridge(StreamSession session, SocketConnection client, String kind,
                                 Function<Map<String, Object>, Checked> check) {
        return new StreamBridge(session, client, this, kind, check, resumeWait, watchdog);
    }

    /** Cuts connections whose certificate was revoked, and those that never said hello. */
    private void watch() {
        Instant helloDeadline = Instant.now().minus(helloTimeout);
        for (AgentSession s : sessions.values()) {
            try {
                if (ca.isRevoked(s.serial())) {
                    LOG.warn("cutting agent {}: its certificate {} was revoked", s.name(), s.serial().toString(16));
                    s.close(AgentSession.POLICY_VIOLATION, "certificate revoked");
                } else if (!s.greeted() && s.openedAt().isBefore(helloDeadline)) {
                    s.close(AgentSession.PROTOCOL_ERROR, "no HELLO within " + helloTimeout.getSeconds() + "s");
                }
            } catch (RuntimeException e) {
                LOG.warn("revocation check for agent {} failed: {}", s.name(), e.getMessage());
            }
        }
    }
}
