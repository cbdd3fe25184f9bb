package io.labctl.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The re-check decides from what the CA and the access control hold in memory, which their polls refresh from the
 * database: a change made on another labd instance ends a stream here on the first check after the poll loaded it.
 */
class OpenUserStreamsTest {
    final TestCertificateAuthority ca = new TestCertificateAuthority("labctl test CA");
    final TestAccessControl rules = new TestAccessControl();
    final AtomicReference<AccessDecisions> access = new AtomicReference<>(rules);
    final OpenUserStreams streams = new OpenUserStreams(ca, access::get);
    final List<String> ended = new ArrayList<>();
    final Identity bob = new Identity(Identity.Kind.USER, "bob");
    final Permission execOnBox = Permission.on(Action.EXEC, "lab", "test", "box");

    OpenUserStreams.Watched open() {
        BigInteger serial = ca.issueWithNewKey(bob, Duration.ofDays(1)).certificate().getSerialNumber();
        OpenUserStreams.Watched w = new OpenUserStreams.Watched(bob, serial, execOnBox,
                (audit, client) -> ended.add(audit + " | " + client));
        streams.add(w);
        return w;
    }

    @Test
    void anAllowedStreamStaysOpen() {
        rules.allows.put("bob", List.of(Permission.parse("exec:*:*:*")));
        open();
        streams.recheck();
        streams.recheck();
        assertEquals(List.of(), ended);
        assertEquals(1, streams.size());
    }

    @Test
    void aRevokedCertificateEndsItsStreamOnce() {
        rules.allows.put("bob", List.of(Permission.parse("exec:*:*:*")));
        OpenUserStreams.Watched w = open();
        ca.revoke(w.serial(), "user deleted");
        streams.recheck();
        streams.recheck();
        assertEquals(1, ended.size(), ended.toString());
        assertTrue(ended.get(0).startsWith("ended by labd: access revoked: certificate " + w.serial().toString(16)),
                ended.get(0));
        assertTrue(ended.get(0).contains("| your access was revoked"), ended.get(0));
        assertEquals(0, streams.size());
    }

    @Test
    void aWithdrawnPermissionEndsTheStreamWithTheDecisionsReason() {
        rules.allows.put("bob", List.of(Permission.parse("exec:*:*:*")));
        open();
        rules.allows.put("bob", List.of(Permission.parse("read:*:*:*")));  // as a poll would swap the rules in
        streams.recheck();
        assertEquals(1, ended.size(), ended.toString());
        assertTrue(ended.get(0).contains("access withdrawn: bob may no longer exec on box (no rule allows"),
                ended.get(0));
        assertTrue(ended.get(0).contains("| your access was withdrawn: you may no longer exec on box"), ended.get(0));
    }

    @Test
    void anEndpointsOwnConditionEndsTheStreamOnceItFails() {
        rules.allows.put("bob", List.of(Permission.parse("exec:*:*:*")));
        BigInteger serial = ca.issueWithNewKey(bob, Duration.ofDays(1)).certificate().getSerialNumber();
        AtomicReference<String> condition = new AtomicReference<>();
        List<java.util.function.Supplier<String>> conditions = new java.util.concurrent.CopyOnWriteArrayList<>();
        streams.add(new OpenUserStreams.Watched(bob, serial, execOnBox, conditions,
                (audit, client) -> ended.add(audit + " | " + client)));
        conditions.add(condition::get);  // added after the stream opened, as an endpoint does on its first frame
        streams.recheck();
        assertEquals(List.of(), ended);
        condition.set("its log paths are gone");
        streams.recheck();
        assertEquals(List.of("ended by labd: access narrowed: its log paths are gone | your access was narrowed: this"
                + " exec on box is no longer allowed; ask an admin"), ended);
    }

    @Test
    void aConditionThatFailsCountsAsNoLongerHolding() {
        rules.allows.put("bob", List.of(Permission.parse("exec:*:*:*")));
        BigInteger serial = ca.issueWithNewKey(bob, Duration.ofDays(1)).certificate().getSerialNumber();
        streams.add(new OpenUserStreams.Watched(bob, serial, execOnBox, List.of(() -> {
            throw new IllegalStateException("rules unreadable");
        }), (audit, client) -> ended.add(audit)));
        streams.recheck();
        assertEquals(1, ended.size(), ended.toString());
        assertTrue(ended.get(0).contains("own check failed (java.lang.IllegalStateException: rules unreadable)"),
                ended.get(0));
    }

    @Test
    void withoutAccessControlNothingStaysOpen() {
        rules.allows.put("bob", List.of(Permission.parse("exec:*:*:*")));
        open();
        access.set(null);
        streams.recheck();
        assertEquals(1, ended.size(), ended.toString());
        assertTrue(ended.get(0).contains("access control is not running"), ended.get(0));
    }

    @Test
    void aClosedStreamIsNoLongerWatched() {
        OpenUserStreams.Watched w = open();
        streams.remove(w);
        streams.recheck();
        assertEquals(List.of(), ended);
    }

    @Test
    void aFailingEndingDoesNotStopTheOthers() {
        rules.allows.put("bob", List.of());
        BigInteger serial = ca.issueWithNewKey(bob, Duration.ofDays(1)).certificate().getSerialNumber();
        streams.add(new OpenUserStreams.Watched(bob, serial, execOnBox, (a, c) -> {
            throw new IllegalStateException("socket gone");
        }));
        open();
        streams.recheck();
        assertEquals(1, ended.size(), ended.toString());
    }

    @Test
    void closeReasonsFitAWebSocketCloseFrame() {
        String longName = "é".repeat(200);
        String fitted = OpenUserStreams.fit(longName, OpenUserStreams.MAX_CLOSE_REASON_BYTES);
        assertTrue(fitted.getBytes(StandardCharsets.UTF_8).length <= OpenUserStreams.MAX_CLOSE_REASON_BYTES);
        assertTrue(fitted.endsWith("..."));
        assertEquals("short", OpenUserStreams.fit("short", OpenUserStreams.MAX_CLOSE_REASON_BYTES));
    }
}
