package io.labctl.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.TokenSpec;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.Permission;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Commands against in-memory test doubles of labd's services. */
class CommandsTest {
    private final List<String> events = new ArrayList<>();
    private FakeAccessControl access;
    private RecordingAuditTrail audit;
    private InMemoryServerRegistry registry;

    @BeforeEach
    void setUp() {
        access = new FakeAccessControl().allow("alice", "admin:*:*:*")
                .server("web-1", "baremetal", "lab").server("db-1", "aws", "prod");
        audit = new RecordingAuditTrail();
        registry = new InMemoryServerRegistry(events)
                .add("web-1", "baremetal", "lab", "worker", ServerInfo.ONLINE, Shell.NOW.minusSeconds(300))
                .add("db-1", "aws", "prod", null, ServerInfo.NEVER_CONNECTED, null);
    }

    private <T extends LabCommand> T wire(T command) {
        command.access = access;
        command.audit = audit;
        return command;
    }

    private ServersCommand servers(String selector) {
        ServersCommand c = wire(new ServersCommand());
        c.registry = registry;
        c.selector = selector;
        return c;
    }

    @Test
    void serversPrintsATable() throws Exception {
        Shell.Result r = Shell.run(servers(null), "alice");
        assertEquals("""
                NAME   CLOUD      ENV   ROLE    STATUS           LAST-SEEN
                web-1  baremetal  lab   worker  online           5m ago
                db-1   aws        prod  -       never-connected  never
                """, r.out());
        RecordingAuditTrail.Row row = audit.only();
        assertEquals("shell.server.list", row.event().action());
        assertEquals("/v1/servers", row.event().resource());
        assertEquals(AuditEntry.OK, row.result());
    }

    @Test
    void serversTakesASelectorAndHidesWhatTheUserMayNotRead() throws Exception {
        assertEquals(List.of("web-1"), names(Shell.run(servers("env=lab"), "alice").out()));
        assertEquals("/v1/servers?selector=env=lab", audit.rows.get(0).event().resource());

        access.deny("alice", "read:aws:*:*");
        assertEquals(List.of("web-1"), names(Shell.run(servers(null), "alice").out()));
    }

    @Test
    void aBadSelectorIsAnErrorMessage() throws Exception {
        Shell.Result r = Shell.run(servers("=lab"), "alice");
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("Error: selector '=lab'"), r.err());
        assertEquals(AuditEntry.FAILED, audit.only().result());
    }

    /** An empty term, as from -s "$A," with A unset, is an error: the listing never widens to every server. */
    @Test
    void anEmptySelectorTermIsAnError() throws Exception {
        for (String selector : List.of(",", "env=lab,", "")) {
            audit.rows.clear();
            Shell.Result r = Shell.run(servers(selector), "alice");
            assertEquals("", r.out(), selector);
            assertTrue(r.err().startsWith("Error: selector"), r.err());
            assertEquals(AuditEntry.FAILED, audit.only().result());
        }
    }

    private static List<String> names(String table) {
        return table.lines().skip(1).map(l -> l.split(" ")[0]).toList();
    }

    private ServerDeleteCommand serverDelete(String name) {
        ServerDeleteCommand c = wire(new ServerDeleteCommand());
        c.registry = registry;
        c.ca = new RecordingCertificateAuthority(events);
        c.name = name;
        return c;
    }

    @Test
    void serverDeleteRevokesTheAgentThenForgetsTheServer() throws Exception {
        Shell.Result r = Shell.run(serverDelete("web-1"), "alice");
        assertEquals("server/web-1 deleted; 2 agent certificate(s) revoked.\n", r.out());
        assertEquals(List.of("revoke agent/web-1 (server deleted)", "delete web-1"), events);
        assertTrue(access.decided.contains(Permission.parse("manage:baremetal:lab:web-1")), access.decided.toString());
        RecordingAuditTrail.Row row = audit.only();
        assertTrue(row.viaChange());
        assertEquals("shell.server.delete", row.event().action());
        assertEquals("/v1/servers/web-1", row.event().resource());
        assertEquals(AuditEntry.OK, row.result());
    }

    @Test
    void serverDeleteIsRefusedWhereTheUserMayNotManage() throws Exception {
        access.deny("alice", "manage:aws:prod:*");
        Shell.Result r = Shell.run(serverDelete("db-1"), "alice");
        assertTrue(r.err().contains("may not manage on aws:prod:db-1"), r.err());
        assertTrue(events.isEmpty());
        assertEquals(AuditEntry.DENIED, audit.only().result());
    }

    @Test
    void serverDeleteNamesTheMissingCertificateAuthority() throws Exception {
        ServerDeleteCommand c = serverDelete("web-1");
        c.ca = null;
        Shell.Result r = Shell.run(c, "alice");
        assertTrue(r.err().contains("the certificate authority capability is not installed"), r.err());
        assertTrue(events.isEmpty());
    }

    private TokenCreateCommand tokenCreate(InMemoryJoinTokens tokens) {
        TokenCreateCommand c = wire(new TokenCreateCommand());
        c.tokens = tokens;
        return c;
    }

    @Test
    void tokenCreatePrintsTheTokenOnceOnALineOfItsOwn() throws Exception {
        InMemoryJoinTokens tokens = new InMemoryJoinTokens();
        TokenCreateCommand c = tokenCreate(tokens);
        c.ttl = "2h";
        c.env = "lab";
        c.cloud = "baremetal";
        c.role = "worker";
        Shell.Result r = Shell.run(c, "alice");

        List<String> lines = r.out().lines().toList();
        assertEquals("lab1.0f1e2d3c-0000-4000-8000-000000000000.s3cret.pin", lines.get(0));
        assertEquals("token 0f1e2d3c created: one-time, expires in 2h. It is shown only once: store it now.",
                lines.get(1));
        assertEquals(List.of(new TokenSpec(false, 7200L, "baremetal", "lab", "worker", null, null, null)), tokens.specs);
        assertEquals(List.of("alice"), tokens.creators);
        assertTrue(access.decided.contains(Permission.parse("manage:baremetal:lab:*")), access.decided.toString());
        RecordingAuditTrail.Row row = audit.only();
        assertEquals("shell.token.create", row.event().action());
        assertEquals(AuditEntry.OK, row.result());
        assertNull(row.error());
    }

    @Test
    void tokenCreateDefaultsToADayAndTakesNever() throws Exception {
        InMemoryJoinTokens tokens = new InMemoryJoinTokens();
        Shell.run(tokenCreate(tokens), "alice");
        TokenCreateCommand never = tokenCreate(tokens);
        never.ttl = "never";
        never.reusable = true;
        never.server = "web-9";
        Shell.Result r = Shell.run(never, "alice");

        assertEquals(86_400L, tokens.specs.get(0).ttlSeconds());
        assertNull(tokens.specs.get(1).ttlSeconds());
        assertTrue(tokens.specs.get(1).neverExpires(), "never is asked for explicitly");
        assertTrue(r.out().contains("reusable, never expires, only for server web-9."), r.out());
        // open cloud and environment stand for servers without one, as the REST route scopes tokens
        assertTrue(access.decided.contains(new Permission("manage", "", "", "web-9")), access.decided.toString());
    }

    @Test
    void tokenCreateRejectsABadTtlWithoutMintingAnything() throws Exception {
        InMemoryJoinTokens tokens = new InMemoryJoinTokens();
        TokenCreateCommand c = tokenCreate(tokens);
        c.ttl = "soon";
        Shell.Result r = Shell.run(c, "alice");
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("Error: 'soon' is not a duration"), r.err());
        assertTrue(tokens.specs.isEmpty());
        assertEquals(AuditEntry.FAILED, audit.only().result());
    }

    @Test
    void tokenCreateNamesTheMissingJoinTokensCapability() throws Exception {
        Shell.Result r = Shell.run(tokenCreate(null), "alice");
        assertTrue(r.err().contains("the join tokens capability is not installed in this labd "
                + "(feature:install labd-tokens)"), r.err());
    }

    @Test
    void tokensListsOnlyWhatTheUserMayReadAndRevokeChecksTheTokensScope() throws Exception {
        InMemoryJoinTokens tokens = new InMemoryJoinTokens();
        tokens.create(new TokenSpec(false, 3600L, "baremetal", "lab", "worker", null, null, "rack 3"), "alice");
        tokens.create(new TokenSpec(true, null, "aws", "prod", null, null, null, null), "alice");
        access.deny("alice", "read:aws:*:*", "manage:aws:*:*");
        TokensCommand list = wire(new TokensCommand());
        list.tokens = tokens;
        assertEquals("""
                ID        TYPE      STATE   USES  CLOUD      ENV  ROLE    SERVER  EXPIRES  DESCRIPTION
                0f1e2d3c  one-time  active  0     baremetal  lab  worker  -       in 60m   rack 3
                """, Shell.run(list, "alice").out());

        TokenRevokeCommand revoke = wire(new TokenRevokeCommand());
        revoke.tokens = tokens;
        revoke.id = "0f1e2d3c-0000-4000-8000-000000000001";
        Shell.Result r = Shell.run(revoke, "alice");
        assertTrue(r.err().contains("may not manage on aws:prod:*"), r.err());
        assertTrue(tokens.revoked.isEmpty());
        revoke.id = "0f1e2d3c-0000-4000-8000-000000000000";
        assertEquals("token 0f1e2d3c revoked (0 use(s)).\n", Shell.run(revoke, "alice").out());
        assertEquals(List.of(revoke.id), tokens.revoked);
    }

    @Test
    void canIAnswersForAServerFromItsRecord() throws Exception {
        access.allow("bob", "exec:baremetal:lab:*");
        CanICommand c = wire(new CanICommand());
        c.action = "exec";
        c.resource = "server/web-1";
        c.as = "bob";
        Shell.Result r = Shell.run(c, "alice");
        assertEquals("yes: bob may exec:baremetal:lab:web-1 (allowed by exec:baremetal:lab:*)\n", r.out());
        assertEquals("/v1/auth/can-i?action=exec&resource=server/web-1&as=bob", audit.only().event().resource());
    }

    @Test
    void roleCreatePassesTheRulesToAccessControl() throws Exception {
        RoleCreateCommand c = wire(new RoleCreateCommand());
        c.name = "ops";
        c.allow = List.of("exec:baremetal:lab:*");
        c.deny = List.of("exec:*:prod:*");
        Shell.Result r = Shell.run(c, "alice");
        assertEquals("role/ops created: allow exec:baremetal:lab:*, deny exec:*:prod:*. Bind it with lab:bind ops USER.\n",
                r.out());
        assertEquals(List.of("user/alice createRole ops"), access.calls);
        assertEquals("shell.role.create", audit.only().event().action());
    }
}
