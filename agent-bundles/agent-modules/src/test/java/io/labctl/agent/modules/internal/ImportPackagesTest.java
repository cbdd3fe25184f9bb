package io.labctl.agent.modules.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Version;

class ImportPackagesTest {
    static final String HEADER = "io.labctl.module;version=\"[2.0,3)\",io.labctl.protocol.modules;version=\"[0.1,1)\","
            + "org.slf4j;version=\"[1.7,3)\";resolution:=optional,a.b;c.d,java.util";

    @Test
    void readsPackagesRangesAndOptionalityWithCommasInsideQuotes() {
        List<ImportPackages.Import> imports = ImportPackages.parse(HEADER);
        assertEquals(List.of("io.labctl.module [2.0,3)", "io.labctl.protocol.modules [0.1,1)", "org.slf4j [1.7,3)",
                "a.b", "c.d", "java.util"), imports.stream().map(ImportPackages.Import::toString).toList());
        assertEquals(true, imports.get(2).optional());
    }

    @Test
    void namesTheMandatoryImportsNobodyExportsInRange() {
        Map<String, List<Version>> exported = Map.of(
                "io.labctl.module", List.of(new Version(1, 0, 0)),
                "io.labctl.protocol.modules", List.of(new Version(0, 1, 0)),
                "a.b", List.of(Version.emptyVersion), "c.d", List.of(new Version(5, 0, 0)),
                "java.util", List.of(Version.emptyVersion));
        assertEquals(List.of("io.labctl.module [2.0,3)"), ImportPackages.unsatisfied(ImportPackages.parse(HEADER), exported)
                .stream().map(ImportPackages.Import::toString).toList(), "org.slf4j is optional; the rest is there");
    }
}
