package io.labctl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectorTest {
    private final Map<String, String> web1 = Selector.attributesOf("web1", "lab", "baremetal", "worker", Map.of("k3s", "agent", "env", "spoofed"));

    @Test
    void equalityInequalityAndPresence() {
        assertTrue(Selector.parse("env=lab,role=worker").matches(web1));
        assertFalse(Selector.parse("env=lab,role=infra").matches(web1));
        assertTrue(Selector.parse("role!=infra").matches(web1));
        assertTrue(Selector.parse("k3s").matches(web1));
        assertFalse(Selector.parse("!k3s").matches(web1));
        assertTrue(Selector.parse("name==web1").matches(web1));
        assertTrue(Selector.parse("").matches(web1));
    }

    @Test
    void labelsCannotOverrideServerFields() {
        assertFalse(Selector.parse("env=spoofed").matches(web1));
    }

    @Test
    void shortcutsAddRequirements() {
        Selector s = Selector.parse("role=worker").and("cloud", "aws");
        assertFalse(s.matches(web1));
        assertEquals("role=worker,cloud=aws", s.toString());
    }

    @Test
    void badInputIsExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Selector.parse("env=lab,,role=x"));
        assertTrue(e.getMessage().contains("empty requirement"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Selector.parse("en v=lab"));
        assertTrue(e.getMessage().contains("not a valid key"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Selector.parse("env=l ab"));
    }
}
