package io.labctl.tokens.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.Identity;
import io.labctl.protocol.TokenSpec;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.Permission;
import io.labctl.shell.FakeAccessControl;
import io.labctl.shell.LabCommand;
import io.labctl.shell.RecordingAuditTrail;
import io.labctl.shell.Shell;
import java.util.List;
import org.junit.jupiter.api.Test;

/** lab:tokens, lab:token-create and lab:token-revoke against in-memory test doubles of labd's services. */
class TokenCommandsTest {
    private final FakeAccessControl access = new FakeAccessControl().allow("alice", "admin:*:*:*");
    private final RecordingAuditTrail audit = new RecordingAuditTrail();

    private <T extends LabCommand> T wire(T command) {
        return Shell.wire(command, access, audit);
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
        assertEquals(List.of("alice"), tokens.creators, "the service checks manage on the scope for the caller");
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
    void tokensAndTokenRevokeHandTheCallerToTheService() throws Exception {
        InMemoryJoinTokens tokens = new InMemoryJoinTokens();
        Identity alice = new Identity(Identity.Kind.USER, "alice");
        tokens.create(alice, new TokenSpec(false, 3600L, "baremetal", "lab", "worker", null, null, "rack 3"));
        TokensCommand list = wire(new TokensCommand());
        list.tokens = tokens;
        assertEquals("""
                ID        TYPE      STATE   USES  CLOUD      ENV  ROLE    SERVER  EXPIRES  DESCRIPTION
                0f1e2d3c  one-time  active  0     baremetal  lab  worker  -       in 60m   rack 3
                """, Shell.run(list, "alice").out());
        assertEquals(List.of(alice), tokens.listedFor, "the service filters for the caller");

        TokenRevokeCommand revoke = wire(new TokenRevokeCommand());
        revoke.tokens = tokens;
        revoke.id = "0f1e2d3c-0000-4000-8000-000000000000";
        assertEquals("token 0f1e2d3c revoked (0 use(s)).\n", Shell.run(revoke, "alice").out());
        assertEquals(List.of("alice " + revoke.id), tokens.revoked, "the service checks the token's scope for the caller");
    }

}
