package io.labctl.agent.modules.internal;

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
        if (header == null || header.isBlank()) {
            return imports;
        }
        for (String clause : split(header, ',')) {
            List<String> names = new ArrayList<>();
            String range = null;
            boolean optional = false;
            for (String part : split(clause, ';')) {
                String p = part.strip();
                int directive = p.indexOf(":=");
                int attribute = p.indexOf('=');
                if (directive > 0) {
                    optional |= p.substring(0, directive).strip().equals("resolution")
                            && unquote(p.substring(directive + 2)).equals("optional");
                } else if (attribute > 0) {
                    if (p.substring(0, attribute).strip().equals("version")) {
                        range = unquote(p.substring(attribute + 1));
                    }
                } else if (!p.isEmpty()) {
                    names.add(p);
                }
            }
            for (String name : names) {
                imports.add(new Import(name, range, optional));
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

    /** Splits at the separator where it is not inside double quotes. */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }

    private static String unquote(String value) {
        String v = value.strip();
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }
}
