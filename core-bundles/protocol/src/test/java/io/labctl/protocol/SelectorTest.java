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
        assertTrue(Selector.parse(null).matches(web1));
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

    /** An empty term, often an unset shell variable, never falls away: what is left would select more servers. */
    @Test
    void emptyTermsAreRefusedNotDropped() {
        for (String text : new String[] {",", ",,", " , ", "env=lab,", ",env=lab", "env=lab,,role=x", "env=lab, "}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Selector.parse(text), text);
            assertTrue(e.getMessage().contains("empty requirement"), e.getMessage());
        }
        for (String text : new String[] {"", " ", "\t"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Selector.parse(text), text);
            assertTrue(e.getMessage().contains("selector is empty"), e.getMessage());
        }
    }

    @Test
    void notEqualsWithoutAValueIsRefused() {
        // env!= with an unset variable would match every server whose env is not the empty string: all of them
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Selector.parse("env!="));
        assertTrue(e.getMessage().contains("has no value"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Selector.parse("role=worker,rack!= "));
        assertThrows(IllegalArgumentException.class, () -> Selector.parse("!"));
        assertThrows(IllegalArgumentException.class, () -> Selector.parse("=lab"));
        assertThrows(IllegalArgumentException.class, () -> Selector.parse("!=lab"));
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
