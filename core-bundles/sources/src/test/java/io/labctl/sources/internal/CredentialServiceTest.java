package io.labctl.sources.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.protocol.sources.CredentialInfo;
import io.labctl.protocol.sources.CredentialSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Credentials against a real PostgreSQL: sealed at rest, never shown, admin only, refused while in use. */
class CredentialServiceTest extends SourcesDatabase {
    static final String TOKEN = "glpat-s3cr3t-t0ken-value";
    CredentialService credentials;

    @BeforeEach
    void fresh() throws Exception {
        empty();
        credentials = new CredentialService(db, new Fakes.AesSealer());
        credentials.decisions = new Fakes.Access();
    }

    @Test
    void aTokenIsSealedAtRestListedWithoutItAndOpensOnlyForAClone() throws Exception {
        CredentialInfo made = credentials.create(Fakes.ADMIN, new CredentialSpec("gitea", CredentialInfo.TOKEN, TOKEN + "\n"));
        assertEquals("gitea", made.name());
        assertEquals("admin", made.createdBy());

        List<String> stored = column("SELECT encode(sealed, 'escape') FROM sources_credentials");
        assertEquals(1, stored.size());
        assertFalse(stored.get(0).contains(TOKEN), "the database holds the token in clear");
        assertFalse(new String(column("SELECT encode(sealed, 'hex') FROM sources_credentials").get(0)
                .getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).contains(
                java.util.HexFormat.of().formatHex(TOKEN.getBytes(StandardCharsets.UTF_8))));

        List<CredentialInfo> listed = credentials.list(Fakes.ADMIN);
        assertEquals(1, listed.size());
        assertFalse(listed.toString().contains(TOKEN));
        assertEquals(TOKEN, credentials.open("gitea").secret(), "stripped of its line end, opened whole");
        assertFalse(credentials.open("gitea").toString().contains(TOKEN));
    }

    @Test
    void onlyAdminsCreateListAndDelete() {
        credentials.create(Fakes.ADMIN, new CredentialSpec("gitea", CredentialInfo.TOKEN, TOKEN));
        assertEquals(403, assertThrows(ApiException.class, () -> credentials.create(Fakes.VIEWER,
                new CredentialSpec("other", CredentialInfo.TOKEN, TOKEN))).status());
        assertEquals(403, assertThrows(ApiException.class, () -> credentials.list(Fakes.VIEWER)).status());
        assertEquals(403, assertThrows(ApiException.class, () -> credentials.delete(Fakes.VIEWER, "gitea")).status());
        assertEquals(1, credentials.list(Fakes.ADMIN).size());
    }

    @Test
    void badInputIsRefusedSayingWhatIsWrongAndNothingIsStored() throws Exception {
        ApiException e = assertThrows(ApiException.class, () -> credentials.create(Fakes.ADMIN,
                new CredentialSpec("Bad_Name", CredentialInfo.TOKEN, TOKEN)));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("lower-case"), e.getMessage());
        e = assertThrows(ApiException.class, () -> credentials.create(Fakes.ADMIN, new CredentialSpec("a", "password", TOKEN)));
        assertTrue(e.getMessage().contains("token") && e.getMessage().contains("ssh-key"), e.getMessage());
        e = assertThrows(ApiException.class, () -> credentials.create(Fakes.ADMIN, new CredentialSpec("a", CredentialInfo.TOKEN, "  \n")));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        e = assertThrows(ApiException.class, () -> credentials.create(Fakes.ADMIN, new CredentialSpec("a", CredentialInfo.TOKEN, "two words")));
        assertTrue(e.getMessage().contains("token alone"), e.getMessage());
        e = assertThrows(ApiException.class, () -> credentials.create(Fakes.ADMIN, new CredentialSpec("a", CredentialInfo.SSH_KEY, "ssh-ed25519 AAAA me@host")));
        assertTrue(e.getMessage().contains("private key"), e.getMessage());
        assertTrue(column("SELECT name FROM sources_credentials").isEmpty());

        credentials.create(Fakes.ADMIN, new CredentialSpec("a", CredentialInfo.SSH_KEY,
                "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"));
        assertEquals(409, assertThrows(ApiException.class, () -> credentials.create(Fakes.ADMIN,
                new CredentialSpec("a", CredentialInfo.TOKEN, TOKEN))).status());
        assertEquals(CredentialInfo.SSH_KEY, credentials.list(Fakes.ADMIN).get(0).kind());
    }

    @Test
    void aCredentialInUseStaysAndAnUnusedOneGoes() throws Exception {
        credentials.create(Fakes.ADMIN, new CredentialSpec("gitea", CredentialInfo.TOKEN, TOKEN));
        sql("INSERT INTO sources_modules (name, url, credential, commit_id, version, sha256, added_by) VALUES"
                + " ('motd', 'https://git.example/motd.git', 'gitea', 'c0ffee', '1.0.0', 'ab', 'admin')");
        ApiException e = assertThrows(ApiException.class, () -> credentials.delete(Fakes.ADMIN, "gitea"));
        assertEquals(409, e.status());
        assertTrue(e.getMessage().contains("motd"), e.getMessage());
        assertEquals(List.of("motd"), credentials.list(Fakes.ADMIN).get(0).usedBy());

        sql("DELETE FROM sources_modules");
        assertEquals("gitea", credentials.delete(Fakes.ADMIN, "gitea").name());
        assertTrue(credentials.list(Fakes.ADMIN).isEmpty());
        assertEquals(404, assertThrows(ApiException.class, () -> credentials.delete(Fakes.ADMIN, "gitea")).status());
    }
}
