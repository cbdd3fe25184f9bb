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

    private static final HostFacts FACTS = new HostFacts("web1", "Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64", "amd64",
            4, (8L << 30) + (512L << 20), java.util.List.of(), "0.1.0", java.util.List.of(), "debian", "12");
    private final Map<String, String> web1WithFacts = Selector.attributesOf("web1", "lab", "baremetal", "worker",
            Map.of("os", "windows", "cpus", "64", "rack", "r1"), FACTS);

    @Test
    void factsAreSeenAndShadowLabelsOfTheirName() {
        assertTrue(Selector.parse("os=debian,os.version=12,arch=amd64,kernel=6.1.0-18-amd64,cpus=4,memory=8").matches(web1WithFacts));
        assertFalse(Selector.parse("os=windows").matches(web1WithFacts));
        assertTrue(Selector.parse("rack=r1").matches(web1WithFacts), "other labels are still seen");
        // without facts (never connected) a label still cannot stand in for one
        Map<String, String> noFacts = Selector.attributesOf("web1", "lab", "baremetal", "worker", Map.of("os", "debian"), null);
        assertFalse(Selector.parse("os=debian").matches(noFacts));
        assertTrue(Selector.parse("!os").matches(noFacts));
        // an older agent reports no os-release ID: the key is absent rather than empty
        HostFacts old = new HostFacts("web1", "Debian", "6.1", "amd64", 2, 1L << 30, java.util.List.of(), "0.1.0", java.util.List.of());
        assertTrue(Selector.parse("!os,arch=amd64,cpus=2,memory=1").matches(Selector.attributesOf("web1", "lab", "c", "r", Map.of(), old)));
    }

    @Test
    void wholeNumberComparisons() {
        assertTrue(Selector.parse("cpus>=4,memory>=8,memory<9").matches(web1WithFacts));
        assertFalse(Selector.parse("cpus>4").matches(web1WithFacts));
        assertTrue(Selector.parse("cpus<=4").matches(web1WithFacts));
        assertFalse(Selector.parse("memory>=16").matches(web1WithFacts));
        assertTrue(Selector.parse("os.version>=11").matches(web1WithFacts));
        assertFalse(Selector.parse("rack>=1").matches(web1WithFacts), "a value that is no number never compares");
        assertFalse(Selector.parse("gpus<1").matches(web1WithFacts), "an absent attribute never compares");
        assertEquals("cpus>=4,memory<16,cpus>2,cpus<=8", Selector.parse("cpus >= 4,memory<16,cpus>2,cpus<=8").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Selector.parse("memory>=8G"));
        assertTrue(e.getMessage().contains("not a whole number"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Selector.parse("cpus>="));
        assertThrows(IllegalArgumentException.class, () -> Selector.parse(">=4"));
        assertThrows(IllegalArgumentException.class, () -> Selector.parse("rack=a>b"));
    }
}
