package io.labctl.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.api.CertificateAuthority;
import io.labctl.api.Identity;
import io.labctl.api.audit.AuditWriter;
import io.labctl.api.web.PeerPrincipal;
import io.labctl.api.web.SocketConnection;
import io.labctl.api.web.SocketListener;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.channel.CloseCodes;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A second connection with an agent's certificate: refused while the first answers, the newest wins otherwise. */
class DuplicateConnectionsTest {
    /** A connection whose answer to a liveness probe the test decides. */
    static final class ProbedConnection implements SocketConnection {
        final boolean answers;
        final String address;
        Integer closeCode;
        int probes;

        ProbedConnection(boolean answers, String address) {
            this.answers = answers;
            this.address = address;
        }

        @Override public CompletableFuture<Void> send(ByteBuffer message) { return CompletableFuture.completedFuture(null); }
        @Override public void close(int code, String reason) { closeCode = code; }
        @Override public boolean isOpen() { return closeCode == null; }
        @Override public String remoteAddress() { return address; }

        @Override
        public CompletableFuture<Void> probe() {
            probes++;
            return answers ? CompletableFuture.completedFuture(null) : new CompletableFuture<>(); // silence
        }
    }

    record Row(AuditWriter.Event event, String result, String detail) {}

    private final List<String> registryCalls = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private final AgentGateway gateway = new AgentGateway(AgentSessionTest.recordingRegistry(registryCalls),
            (CertificateAuthority) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {CertificateAuthority.class}, (p, m, a) -> m.getReturnType() == boolean.class ? false : null),
            config(200));

    static GatewayConfig config(long probeMillis) {
        return (GatewayConfig) Proxy.newProxyInstance(GatewayConfig.class.getClassLoader(), new Class<?>[] {GatewayConfig.class},
                (p, m, a) -> switch (m.getName()) {
                    case "revocationCheckMillis" -> 86_400_000L;
                    case "helloTimeoutSeconds" -> 3600;
                    case "duplicateProbeMillis" -> probeMillis;
                    case "resumeWaitSeconds" -> 30;
                    default -> null;
                });
    }

    private AuditWriter recordingAudit() {
        return (AuditWriter) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AuditWriter.class},
                (p, m, a) -> {
                    if (m.getName().equals("record")) {
                        rows.add(new Row((AuditWriter.Event) a[0], (String) a[1], (String) a[3]));
                    } else if (m.getName().equals("refused")) { // the rate-limited path for repeatable refusals
                        rows.add(new Row((AuditWriter.Event) a[0], AuditEntry.DENIED, (String) a[1]));
                    }
                    return null;
                });
    }

    private static PeerPrincipal agent(String name, String address) {
        return new PeerPrincipal(new Identity(Identity.Kind.AGENT, name), null, address);
    }

    @AfterEach
    void stop() {
        gateway.deactivate();
    }

    @Test
    void aSecondConnectionIsRefusedWhileTheFirstAnswersAndTheFirstStays() {
        gateway.audit = recordingAudit();
        ProbedConnection first = new ProbedConnection(true, "10.0.0.5:40000");
        assertTrue(gateway.open(agent("web1", first.address), first) != null);
        ProbedConnection second = new ProbedConnection(true, "10.6.6.6:50000");

        ApiException e = assertThrows(ApiException.class, () -> gateway.open(agent("web1", second.address), second));

        assertEquals(409, e.status());
        assertEquals("agent-already-connected", e.code());
        assertTrue(e.getMessage().contains("10.0.0.5:40000") && e.getMessage().contains("enrol it again"), e.getMessage());
        assertNull(first.closeCode, "the live connection is left alone");
        assertEquals(1, first.probes);
        assertEquals(1, rows.size());
        Row row = rows.get(0);
        assertEquals(AuditEntry.DENIED, row.result());
        assertEquals("agent.connect", row.event().action());
        assertEquals("agent/web1", row.event().user());
        assertEquals("10.6.6.6:50000", row.event().source());
        assertEquals("server/web1", row.event().resource());

        // a flood of duplicates costs the live agent one ping per probe bound, and each is still refused and recorded
        assertThrows(ApiException.class, () -> gateway.open(agent("web1", second.address), second));
        assertEquals(1, first.probes);
        assertEquals(2, rows.size());
    }

    @Test
    void aSilentConnectionIsReplacedWithinTheProbeBoundAndItsEndDoesNotMarkTheAgentOffline() {
        gateway.audit = recordingAudit();
        ProbedConnection dead = new ProbedConnection(false, "10.0.0.5:40000");
        SocketListener old = gateway.open(agent("web1", dead.address), dead);
        ProbedConnection again = new ProbedConnection(true, "10.0.0.5:40001");

        long started = System.nanoTime();
        SocketListener fresh = gateway.open(agent("web1", again.address), again);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertTrue(fresh != null && fresh != old);
        assertTrue(tookMillis >= 150 && tookMillis < 1000, "waited for the probe bound (200 ms), took " + tookMillis);
        assertEquals(CloseCodes.REPLACED, dead.closeCode);
        assertEquals(1, rows.size());
        assertEquals(AuditEntry.OK, rows.get(0).result());
        assertTrue(rows.get(0).detail().contains("did not answer"), rows.get(0).detail());

        old.onClose(CloseCodes.REPLACED, "replaced");
        assertTrue(!registryCalls.contains("disconnected"), "the replaced connection's end leaves the agent online");
        // and the agent's current connection is now the new one: a third is refused
        ProbedConnection third = new ProbedConnection(true, "10.6.6.6:1");
        assertThrows(ApiException.class, () -> gateway.open(agent("web1", third.address), third));
        assertSame(null, again.closeCode);
    }

    @Test
    void withoutAnAuditTrailADuplicateIsRefused() {
        ProbedConnection dead = new ProbedConnection(false, "10.0.0.5:40000");
        gateway.open(agent("web1", dead.address), dead);
        ProbedConnection second = new ProbedConnection(true, "10.0.0.5:40001");

        ApiException e = assertThrows(ApiException.class, () -> gateway.open(agent("web1", second.address), second));

        assertEquals(503, e.status());
        assertNull(dead.closeCode);
        assertEquals(0, dead.probes);
    }
}
