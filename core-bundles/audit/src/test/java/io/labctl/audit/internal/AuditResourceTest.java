package io.labctl.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.audit.AuditReader;
import io.labctl.api.audit.AuditVerifier;
import io.labctl.api.web.Caller;
import io.labctl.api.web.Requires;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.AuditVerification;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.core.SecurityContext;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditResourceTest {

    static final Identity ALICE = new Identity(Identity.Kind.USER, "alice");
    /** A request of alice's, as the enforcement point hands it over. */
    static final SecurityContext AS_ALICE = proxy(SecurityContext.class, "getUserPrincipal",
            proxy(Caller.class, "identity", ALICE));

    static <T> T proxy(Class<T> type, String method, Object answer) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (p, m, args) -> m.getName().equals(method) ? answer : null));
    }

    /** Remembers the last query and who asked. */
    static final class Fake implements AuditReader, AuditVerifier {
        Query last;
        Identity asker;

        @Override
        public List<AuditEntry> query(Identity caller, Query query) {
            asker = caller;
            last = query;
            return List.of();
        }

        @Override
        public AuditVerification verify(Identity caller) {
            asker = caller;
            return new AuditVerification(true, 0, 0, null, null, null);
        }
    }

    @Test
    void parametersReachTheQuery() {
        Fake fake = new Fake();
        AuditResource resource = new AuditResource(fake, fake);
        resource.list("alice", "server.", "1h", "alice-20261126-s1", "20", AS_ALICE);
        assertEquals(ALICE, fake.asker, "the service gets the caller");
        assertEquals("alice", fake.last.user());
        assertEquals("server.", fake.last.action());
        assertEquals("alice-20261126-s1", fake.last.sessionRef());
        assertEquals(20, fake.last.limit());
        Duration back = Duration.between(fake.last.since(), Instant.now());
        assertTrue(back.compareTo(Duration.ofMinutes(59)) > 0 && back.compareTo(Duration.ofMinutes(61)) < 0, back.toString());

        resource.list(null, null, "2026-11-26T03:00:00Z", null, null, AS_ALICE);
        assertEquals(Instant.parse("2026-11-26T03:00:00Z"), fake.last.since());
        assertEquals(0, fake.last.limit());
        assertNull(fake.last.user());
        assertNotNull(resource.verify(AS_ALICE));
    }

    /** ?user= with nothing (an unset variable) is refused, not read as "every user". */
    @Test
    void anEmptyFilterIsRefusedNotDropped() {
        Fake fake = new Fake();
        AuditResource resource = new AuditResource(fake, fake);
        for (String[] q : new String[][] {{"", null, null, null, null}, {null, " ", null, null, null},
                {null, null, "", null, null}, {null, null, null, "", null}, {null, null, null, null, ""}}) {
            ApiException e = assertThrows(ApiException.class,
                    () -> resource.list(q[0], q[1], q[2], q[3], q[4], AS_ALICE));
            assertEquals(400, e.status());
            assertEquals("empty-filter", e.code());
        }
        assertEquals(null, fake.last, "nothing was queried");
    }

    @Test
    void badSinceAndLimitAre400sThatSayWhatToSend() {
        AuditResource resource = new AuditResource(new Fake(), new Fake());
        ApiException since = assertThrows(ApiException.class,
                () -> resource.list(null, null, "yesterday-ish", null, null, AS_ALICE));
        assertEquals(400, since.status());
        assertEquals("invalid-since", since.code());
        assertTrue(since.getMessage().contains("2026-11-26T03:00:00Z"), since.getMessage());
        for (String bad : new String[] {"ten", "0", "-1", "10001"}) {
            ApiException limit = assertThrows(ApiException.class,
                    () -> resource.list(null, null, null, null, bad, AS_ALICE));
            assertEquals("invalid-limit", limit.code());
        }
    }

    @Test
    void everyResourceMethodDeclaresWhatItNeeds() throws Exception {
        int methods = 0;
        for (Method m : AuditResource.class.getDeclaredMethods()) {
            if (m.isAnnotationPresent(GET.class)) {
                methods++;
                Requires r = m.getAnnotation(Requires.class);
                assertNotNull(r, m.getName());
                assertEquals(Action.READ, r.value());
            }
        }
        assertEquals(2, methods);
        assertEquals("audit.list", AuditResource.class.getMethod("list", String.class, String.class, String.class,
                String.class, String.class, SecurityContext.class).getAnnotation(Requires.class).verb());
        assertEquals("audit.verify", AuditResource.class.getMethod("verify", SecurityContext.class)
                .getAnnotation(Requires.class).verb());
    }
}
