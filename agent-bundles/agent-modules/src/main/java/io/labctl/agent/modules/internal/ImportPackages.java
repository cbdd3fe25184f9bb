package io.labctl.agent.modules.internal;

import io.labctl.protocol.modules.ManifestClauses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

/**
 * A bundle's Import-Package header, read to say which import this agent cannot satisfy, in the words of the header
 * ({@code io.labctl.module [2.0,3)}) rather than the framework's LDAP filter.
 */
final class ImportPackages {
    /** One imported package; {@code rangeText} as the header wrote it (null for any version). */
    record Import(String pkg, String rangeText, boolean optional) {
        VersionRange range() {
            return rangeText == null ? new VersionRange("0.0.0") : new VersionRange(rangeText);
        }

        @Override
        public String toString() {
            return rangeText == null ? pkg : pkg + " " + rangeText;
        }
    }

    private ImportPackages() {}

    static List<Import> parse(String header) {
        List<Import> imports = new ArrayList<>();
        for (ManifestClauses.Clause clause : ManifestClauses.parse(header)) {
            boolean optional = "optional".equals(clause.directives().get("resolution"));
            for (String name : clause.names()) {
                imports.add(new Import(name, clause.attributes().get("version"), optional));
            }
        }
        return imports;
    }

    /** The mandatory imports no exported package satisfies (exported: package name to the versions on offer). */
    static List<Import> unsatisfied(List<Import> imports, Map<String, List<Version>> exported) {
        List<Import> missing = new ArrayList<>();
        for (Import wanted : imports) {
            if (wanted.optional()) {
                continue;
            }
            VersionRange range;
            try {
                range = wanted.range();
            } catch (IllegalArgumentException e) {
                missing.add(wanted);
                continue;
            }
            if (exported.getOrDefault(wanted.pkg(), List.of()).stream().noneMatch(range::includes)) {
                missing.add(wanted);
            }
        }
        return missing;
    }
}
