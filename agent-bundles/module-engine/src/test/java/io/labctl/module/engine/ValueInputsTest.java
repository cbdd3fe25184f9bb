package io.labctl.module.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValueInputsTest {
    final ValueInputs inputs = new ValueInputs(
            Map.of("port", 6443L, "enabled", false, "flags", List.of("a", "b"), "token", "s3cr3t", "host", "h1"),
            Set.of("token"));

    @Test
    void givesEachTypeAndWrapsSecrets() {
        assertEquals(6443L, inputs.integer("port"));
        assertFalse(inputs.bool("enabled"));
        assertEquals(List.of("a", "b"), inputs.list("flags"));
        assertEquals("s3cr3t", inputs.secret("token").reveal());
        assertEquals("******", inputs.secret("token").toString());
        assertTrue(inputs.isSecret("token"));
        assertFalse(inputs.isSecret("host"));
        assertEquals("6443", inputs.string("port"), "string() is the text form of any type");
        assertTrue(inputs.has("host"));
        assertFalse(inputs.has("nope"));
    }

    @Test
    void anUnknownNameOrAWrongTypeIsNamed() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> inputs.string("prot"));
        assertTrue(unknown.getMessage().contains("no input named 'prot'"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("port"), "lists what there is: " + unknown.getMessage());
        var wrong = assertThrows(IllegalArgumentException.class, () -> inputs.integer("host"));
        assertEquals("input 'host' is not an integer but a string: check its type in module.yaml", wrong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> inputs.bool("flags"));
        assertThrows(IllegalArgumentException.class, () -> inputs.list("port"));
    }
}
