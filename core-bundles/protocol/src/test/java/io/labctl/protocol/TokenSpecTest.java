package io.labctl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one set of rules for a join token request, which the CLI, the shell and labd apply alike. */
class TokenSpecTest {

    private static TokenSpec scoped(String cloud, String env, String role, String server) {
        return new TokenSpec(false, 60L, cloud, env, role, null, server, null);
    }

    private static InvalidInput refused(TokenSpec spec) {
        return assertThrows(InvalidInput.class, spec::validated);
    }

    @Test
    void aValidRequestComesBackWithItsNamesStripped() {
        TokenSpec valid = scoped(" baremetal ", "lab", "worker", "web-1").validated();
        assertEquals("baremetal", valid.cloud());
        assertEquals("lab", valid.environment());
        assertEquals("web-1", valid.server());
        assertEquals(60L, valid.ttlSeconds());
    }

    @Test
    void anEmptyScopeIsNotAScopeLeftOut() {
        InvalidInput empty = refused(scoped("baremetal", " ", null, null));
        assertEquals("empty-scope", empty.code());
        assertEquals("env is empty; give a name or leave it out", empty.getMessage());
        assertEquals("--env is empty; give a name or leave it out", empty.asFlag(), "as the CLI says it");
    }

    @Test
    void scopeValuesAreNames() {
        InvalidInput cloud = refused(scoped("Bad Cloud", null, null, null));
        assertEquals("invalid-name", cloud.code());
        assertTrue(cloud.getMessage().startsWith("cloud 'Bad Cloud' is not valid"), cloud.getMessage());
        assertEquals("server", refused(scoped(null, null, null, "web_1")).field());
        assertEquals("role", refused(scoped(null, null, "a:b", null)).field());
    }

    @Test
    void labelsFollowTheSelectorGrammarAndAreCounted() {
        InvalidInput label = refused(new TokenSpec(false, 60L, null, null, null, Map.of("rack", "r 1"), null, null));
        assertEquals("invalid-label", label.code());
        assertTrue(label.asFlag().startsWith("--label rack=r 1 is not valid"), label.asFlag());
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= TokenSpec.MAX_LABELS; i++) {
            many.put("k" + i, "v");
        }
        assertEquals("too-many-labels", refused(new TokenSpec(false, 60L, null, null, null, many, null, null)).code());
    }

    @Test
    void lifetimeAndDescriptionHaveLimits() {
        assertEquals("invalid-ttl", refused(new TokenSpec(false, 0L, null, null, null, null, null, null)).code());
        assertEquals("invalid-ttl", refused(new TokenSpec(false, 60L, true, null, null, null, null, null, null)).code());
        String longText = "x".repeat(TokenSpec.MAX_DESCRIPTION + 1);
        assertEquals("too-long", refused(new TokenSpec(false, 60L, null, null, null, null, null, longText)).code());
    }
}
