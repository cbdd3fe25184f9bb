package io.labctl.gateway.internal;

import io.labctl.api.ApiException;
import io.labctl.api.audit.AuditWriter;
import io.labctl.protocol.access.AuditEntry;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a second connection presenting the certificate of an agent that is already connected means. The agent's
 * key is all that tells the two apart, so the live connection's behaviour decides: while it answers a liveness
 * probe within the bound, the newcomer is refused (holding a copy of the key must not knock the real agent
 * offline); when it does not, it is taken for dead and the newcomer replaces it (an agent whose connection died
 * silently is back within one probe bound of its reconnection). Both outcomes are audited as {@code agent.connect}.
 */
final class DuplicateConnections {
    static final String VERB = "agent.connect";
    private static final Logger LOG = LoggerFactory.getLogger(DuplicateConnections.class);

    private final Duration probeBound;
    private final Supplier<AuditWriter> audit;

    DuplicateConnections(Duration probeBound, Supplier<AuditWriter> audit) {
        this.probeBound = probeBound;
        this.audit = audit;
    }

    /**
     * Returns normally when {@code newcomer} may replace {@code current} (the caller swaps them), or throws the
     * refusal to send the newcomer. Blocks for at most the probe bound.
     */
    void admit(AgentSession current, AgentSession newcomer) {
        AuditWriter trail = audit.get();
        AuditWriter.Event event = new AuditWriter.Event(newcomer.identityName(), null, newcomer.remoteAddress(), VERB,
                "server/" + newcomer.name());
        if (trail == null) {
            // deny by default: nothing may change hands unrecorded
            throw ApiException.unavailable("audit-unavailable", "agent " + newcomer.name() + " is already connected"
                    + " and labd cannot record a takeover while its audit trail is not running");
        }
        Duration answeredIn = answeredWithin(current);
        if (answeredIn != null) {
            String why = "agent " + newcomer.name() + " is already connected from " + current.remoteAddress()
                    + " and that connection answered a liveness probe in " + answeredIn.toMillis() + " ms; a second"
                    + " connection with the same certificate is refused. If this agent's key was copied, delete the"
                    + " server and enrol it again";
            LOG.warn("refused a second connection of agent {} from {}: the connection from {} is alive",
                    newcomer.name(), newcomer.remoteAddress(), current.remoteAddress());
            trail.refused(event, why); // rate-limited per address: a copied key can knock as often as it likes
            throw new ApiException(409, "agent-already-connected", why);
        }
        String replaced = "replaced the connection of agent " + newcomer.name() + " from " + current.remoteAddress()
                + ", which did not answer a liveness probe within " + probeBound.toMillis() + " ms";
        LOG.warn("agent {} from {}: {}", newcomer.name(), newcomer.remoteAddress(), replaced);
        recordTakeover(trail, event, replaced);
    }

    /** Audits a takeover that lost the race to another newcomer of the same agent. */
    void lostRace(AgentSession newcomer) {
        String why = "another connection of agent " + newcomer.name() + " took its place at the same moment; retry";
        AuditWriter trail = audit.get();
        if (trail != null) {
            trail.refused(new AuditWriter.Event(newcomer.identityName(), null, newcomer.remoteAddress(), VERB,
                    "server/" + newcomer.name()), why);
        }
        throw new ApiException(409, "agent-already-connected", why);
    }

    /** How long the live connection took to answer, or null when it did not within the bound. */
    private Duration answeredWithin(AgentSession current) {
        long started = System.nanoTime();
        try {
            current.probe(probeBound).get();
            return Duration.ofNanos(System.nanoTime() - started);
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted", "labd is stopping");
        }
    }

    /** A takeover is a change of who holds the agent's slot: no row, no takeover. */
    private static void recordTakeover(AuditWriter trail, AuditWriter.Event event, String detail) {
        try {
            trail.record(event, AuditEntry.OK, 0L, detail);
        } catch (RuntimeException e) {
            throw ApiException.unavailable("audit-unavailable", "the audit log cannot be written; labd refuses"
                    + " actions it cannot record");
        }
    }
}
