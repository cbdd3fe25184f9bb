package io.labctl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How a token is named to find or revoke it: the same rule for the CLI and labd. */
class TokenInfoTest {

    @Test
    void anIdOrAPrefixOfSixHexDigitsIsNormalised() {
        assertEquals("0f1e2d3c00004000", TokenInfo.idPrefix(" 0F1E2D3C-0000-4000 "));
        assertEquals("abcdef", TokenInfo.idPrefix("abcdef"));
    }

    @Test
    void anythingElseIsRefusedWithTheFix() {
        for (String bad : new String[] {"abcde", "xyz123", "", "0f1e2d3c0000400080000000000000000"}) {
            InvalidInput e = assertThrows(InvalidInput.class, () -> TokenInfo.idPrefix(bad), bad);
            assertEquals("invalid-token-id", e.code());
            assertTrue(e.getMessage().contains("'labctl get tokens'"), e.getMessage());
        }
        assertThrows(InvalidInput.class, () -> TokenInfo.idPrefix(null));
    }
}
