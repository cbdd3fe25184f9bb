package io.labctl.protocol.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestClausesTest {
    @Test
    void clausesWithTheirNamesAttributesAndDirectivesWithSeparatorsInsideQuotes() {
        List<ManifestClauses.Clause> clauses = ManifestClauses.parse("io.labctl.module;version=\"[2.0,3)\","
                + "org.slf4j;version=\"[1.7,3)\";resolution:=optional, a.b;c.d;uses:=\"x.y,z\" ,java.util");
        assertEquals(4, clauses.size(), clauses.toString());
        assertEquals(new ManifestClauses.Clause(List.of("io.labctl.module"), Map.of("version", "[2.0,3)"), Map.of()),
                clauses.get(0));
        assertEquals(new ManifestClauses.Clause(List.of("org.slf4j"), Map.of("version", "[1.7,3)"),
                Map.of("resolution", "optional")), clauses.get(1));
        assertEquals(new ManifestClauses.Clause(List.of("a.b", "c.d"), Map.of(), Map.of("uses", "x.y,z")), clauses.get(2));
        assertEquals(List.of("io.labctl.module", "org.slf4j", "a.b", "c.d", "java.util"), ManifestClauses.names(
                "io.labctl.module;version=\"[2.0,3)\",org.slf4j;version=\"[1.7,3)\";resolution:=optional, a.b;c.d;"
                        + "uses:=\"x.y,z\" ,java.util"));
    }

    @Test
    void anAttributeValueMayHoldColonEqualsAndNoHeaderHasNoClauses() {
        assertEquals(Map.of("note", "a:=b"), ManifestClauses.parse("p;note=\"a:=b\"").get(0).attributes());
        assertTrue(ManifestClauses.parse(null).isEmpty());
        assertTrue(ManifestClauses.names("  ").isEmpty());
    }
}
