package io.labctl.rbac.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.Identity;
import io.labctl.api.access.Decision;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Decisions over an in-memory rule set: no database. */
class RuleSetTest {
    static final RuleSet RULES = RuleSet.compile(7, Map.of(
            "dev", List.of("developer", "viewer"),
            "root", List.of("root"),
            "gina", List.of("gcp-admin"),
            "rita", List.of("restricted-reader"),
            "nobody", List.of(),
            "kim", List.of("cluster-user"),
            "sid", List.of("server-k3s")), Map.of(
            "developer", role("developer", List.of("exec:aws:lab:*"), List.of("exec:aws:lab:db1")),
            "viewer", role("viewer", List.of("read:*:*:*"), List.of()),
            "root", role("root", List.of("admin:*:*:*"), List.of()),
            "gcp-admin", role("gcp-admin", List.of("admin:gcp:*:*"), List.of("admin:gcp:prod:*")),
            "restricted-reader", role("restricted-reader", List.of("read:*:*:*"), List.of("read:aws:secret:*")),
            "cluster-user", role("cluster-user", List.of("kubectl:baremetal:lab:cluster/*", "read:*:*:*"),
                    List.of("kubectl:*:*:cluster/prod-k3s", "read:*:*:cluster/*")),
            "server-k3s", role("server-k3s", List.of("kubectl:baremetal:lab:k3s"), List.of())));

    static RuleSet.RoleRules role(String name, List<String> allow, List<String> deny) {
        return new RuleSet.RoleRules(name, allow.stream().map(Permission::parse).toList(),
                deny.stream().map(Permission::parse).toList());
    }

    static Identity user(String name) {
        return new Identity(Identity.Kind.USER, name);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // user, request, allowed, the reason mentions
                Arguments.of("dev", "exec:aws:lab:web1", true, "exec:aws:lab:* of role developer"),
                Arguments.of("dev", "exec:aws:lab:db1", false, "deny rule exec:aws:lab:db1 of role developer"),
                Arguments.of("dev", "read:aws:lab:db1", true, "read:*:*:* of role viewer"),
                Arguments.of("dev", "exec:aws:prod:web1", false, "no rule allows exec there, roles: developer, viewer"),
                Arguments.of("dev", "exec:gcp:lab:web1", false, "no rule allows exec"),
                Arguments.of("dev", "destroy:aws:lab:web1", false, "no rule allows destroy"),
                // a request for every server of lab is touched by the deny on db1
                Arguments.of("dev", "exec:aws:lab:*", false, "deny rule exec:aws:lab:db1"),
                Arguments.of("dev", "exec:aws:*:*", false, "deny rule exec:aws:lab:db1"),
                Arguments.of("dev", "exec:gcp:*:*", false, "no rule allows exec"),
                Arguments.of("dev", "read:*:*:*", true, "read:*:*:* of role viewer"),
                Arguments.of("nobody", "read:aws:lab:web1", false, "roles: none"),
                Arguments.of("root", "destroy:aws:prod:db1", true, "admin:*:*:* of role root"),
                Arguments.of("root", "kubectl:x:y:z", true, "admin:*:*:*"),
                Arguments.of("root", "*:*:*:*", true, "admin:*:*:*"),
                // clusters are cluster/NAME in the last segment: cluster/* covers each, never a server
                Arguments.of("kim", "kubectl:baremetal:lab:cluster/k3s", true, "kubectl:baremetal:lab:cluster/*"),
                Arguments.of("kim", "kubectl:baremetal:lab:k3s", false, "no rule allows kubectl"),
                Arguments.of("kim", "kubectl:baremetal:lab:cluster/prod-k3s", false, "deny rule kubectl:*:*:cluster/prod-k3s"),
                Arguments.of("kim", "kubectl:baremetal:lab:*", false, "deny rule kubectl:*:*:cluster/prod-k3s"),
                Arguments.of("kim", "kubectl:baremetal:lab:cluster/*", false, "deny rule kubectl:*:*:cluster/prod-k3s"),
                Arguments.of("kim", "read:aws:lab:web1", true, "read:*:*:*"),
                Arguments.of("kim", "read:aws:lab:cluster/k3s", false, "deny rule read:*:*:cluster/*"),
                Arguments.of("sid", "kubectl:baremetal:lab:cluster/k3s", false, "no rule allows kubectl"),
                Arguments.of("sid", "kubectl:baremetal:lab:k3s", true, "kubectl:baremetal:lab:k3s"),
                Arguments.of("root", "admin:*:*:*", true, "admin:*:*:*"),
                // admin implies every action on its scope, and only there
                Arguments.of("gina", "exec:gcp:lab:vm1", true, "admin:gcp:*:* of role gcp-admin"),
                Arguments.of("gina", "exec:aws:lab:vm1", false, "no rule allows exec"),
                // deny admin denies only admin: the other actions stay allowed through the admin allow
                Arguments.of("gina", "read:gcp:prod:vm1", true, "admin:gcp:*:*"),
                Arguments.of("gina", "destroy:gcp:prod:vm1", true, "admin:gcp:*:*"),
                Arguments.of("gina", "admin:gcp:prod:vm1", false, "deny rule admin:gcp:prod:*"),
                Arguments.of("gina", "admin:gcp:*:*", false, "deny rule admin:gcp:prod:*"),
                Arguments.of("gina", "*:gcp:lab:*", true, "admin:gcp:*:*"),
                Arguments.of("gina", "*:gcp:prod:*", false, "deny rule admin:gcp:prod:*"),
                // wildcard requests need a rule that covers all of it and no deny touching any of it
                Arguments.of("rita", "read:*:*:*", false, "deny rule read:aws:secret:*"),
                Arguments.of("rita", "read:aws:*:*", false, "deny rule read:aws:secret:*"),
                Arguments.of("rita", "read:aws:lab:*", true, "read:*:*:* of role restricted-reader"),
                Arguments.of("rita", "read:aws:secret:x", false, "deny rule read:aws:secret:*"),
                // a server without cloud or environment: empty segments match only *
                Arguments.of("dev", "exec:::ghost", false, "no rule allows exec"),
                Arguments.of("dev", "read:::ghost", true, "read:*:*:*"),
                Arguments.of("ghost", "read:aws:lab:web1", false, "no labctl user named ghost"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("table")
    void decides(String who, String request, boolean allowed, String reason) {
        Decision d = RULES.decide(user(who), request(request));
        assertEquals(allowed, d.allowed(), d.reason());
        assertTrue(d.reason().contains(reason), () -> "reason '" + d.reason() + "' lacks '" + reason + "'");
    }

    /** Parsing rejects empty segments, which requests for servers without a cloud do carry. */
    static Permission request(String text) {
        String[] p = text.split(":", -1);
        return new Permission(p[0], p[1], p[2], p[3]);
    }

    /** A refusal by a deny rule sends the user to whoever can change that role; without an allow, to another role. */
    @Test
    void theRemedyDependsOnWhatRefused() {
        Decision denied = RULES.decide(user("dev"), request("exec:aws:lab:db1"));
        assertEquals("developer", denied.denyingRole());
        assertTrue(denied.remedy("it").contains("only an admin who can change role developer"), denied.remedy("it"));
        assertFalse(denied.remedy("it").contains("for a role that allows"), denied.remedy("it"));
        Decision none = RULES.decide(user("dev"), request("destroy:aws:lab:web1"));
        assertFalse(none.allowed(), none.reason());
        assertEquals(null, none.denyingRole());
        assertEquals("ask an admin for a role that allows destroy:aws:lab:web1", none.remedy("destroy:aws:lab:web1"));
    }

    @Test
    void agentsAndLabdInstancesAreDeniedEverything() {
        RuleSet all = RuleSet.compile(1, Map.of("web1", List.of("root"), "labd-1", List.of("root")),
                Map.of("root", role("root", List.of("admin:*:*:*"), List.of())));
        Decision agent = all.decide(new Identity(Identity.Kind.AGENT, "web1"), request("read:aws:lab:web1"));
        assertFalse(agent.allowed());
        assertTrue(agent.reason().contains("agent"), agent.reason());
        Decision labd = all.decide(new Identity(Identity.Kind.LABD, "labd-1"), request("read:*:*:*"));
        assertFalse(labd.allowed());
        assertTrue(labd.reason().contains("labd"), labd.reason());
        assertFalse(all.holdsAnywhere(new Identity(Identity.Kind.AGENT, "web1"), Action.READ));
    }

    @Test
    void holdsAnywhereCountsNamedWildcardAndAdminActions() {
        assertTrue(RULES.holdsAnywhere(user("dev"), Action.EXEC));
        assertTrue(RULES.holdsAnywhere(user("dev"), Action.READ));
        assertFalse(RULES.holdsAnywhere(user("dev"), Action.DESTROY));
        assertTrue(RULES.holdsAnywhere(user("gina"), Action.KUBECTL));
        assertFalse(RULES.holdsAnywhere(user("nobody"), Action.READ));
        assertFalse(RULES.holdsAnywhere(user("ghost"), Action.READ));
    }

    @Test
    void unknownActionsAndMissingArgumentsAreDenied() {
        assertFalse(RULES.decide(user("root"), request("fly:a:b:c")).allowed());
        assertFalse(RULES.decide(null, request("read:a:b:c")).allowed());
        assertFalse(RULES.decide(user("root"), null).allowed());
    }

    @Test
    void rolesAreSortedAndUnknownUsersHaveNone() {
        assertEquals(List.of("developer", "viewer"), RULES.rolesOf("dev"));
        assertEquals(List.of(), RULES.rolesOf("nobody"));
        assertNull(RULES.rolesOf("ghost"));
        assertEquals(7, RULES.generation());
    }

    @Test
    void decidingTheSameRequestTwiceReturnsTheSameDecisionObject() {
        // the decisions are built at compile time: the hot path allocates none
        Permission p = request("exec:aws:lab:web1");
        assertTrue(RULES.decide(user("dev"), p) == RULES.decide(user("dev"), p));
        Permission q = request("exec:aws:prod:web1");
        assertTrue(RULES.decide(user("dev"), q) == RULES.decide(user("dev"), q));
    }
}
