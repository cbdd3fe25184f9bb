package io.labctl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class JoinTokenStringTest {
    private static final String PIN = "ab".repeat(32);
    private static final String SECRET = "A".repeat(40) + "_-z";

    @Test
    void roundTripsThroughText() {
        UUID id = UUID.randomUUID();
        JoinTokenString t = new JoinTokenString(JoinTokenString.idOf(id), SECRET, PIN);
        JoinTokenString back = JoinTokenString.parse(t.toString());
        assertEquals(t, back);
        assertEquals(id, back.uuid());
        assertEquals(32, back.caPinBytes().length);
    }

    @Test
    void malformedTokensAreExplained() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JoinTokenString.parse(" "))
                .getMessage().contains("labctl create token"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JoinTokenString.parse("lab2.x.y.z"))
                .getMessage().contains("lab1.<id>.<secret>.<ca-pin>"));
        String noPin = "lab1." + "0".repeat(32) + "." + SECRET + ".xyz";
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JoinTokenString.parse(noPin))
                .getMessage().contains("CA pin"));
    }
}
