package io.labctl.cli.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionIdTest {
    @Test
    void eightLowerCaseHexCharacters() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String id = LabdClient.newSessionId();
            assertTrue(id.matches("[0-9a-f]{8}"), id);
            seen.add(id);
        }
        // random, not a counter or a clock: 200 draws from 2^32 practically never repeat
        assertTrue(seen.size() > 195, seen.toString());
    }
}
