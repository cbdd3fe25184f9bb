package io.labctl.protocol.modules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OSGi manifest header that lists packages (Import-Package, Export-Package) read as its clauses: each clause's
 * names with its attributes ({@code version="[1.0,2)"}) and directives ({@code resolution:=optional}), values
 * unquoted. Commas and semicolons inside double quotes do not split. labd's repository reads a module's imports with
 * it, lab-agent says which import it cannot satisfy, the baseline tool finds the exported packages.
 */
public final class ManifestClauses {
    /** One clause: the names it applies to, then its attributes and directives by name. */
    public record Clause(List<String> names, Map<String, String> attributes, Map<String, String> directives) {}

    private ManifestClauses() {}

    /** The clauses of a header; none for null or blank. */
    public static List<Clause> parse(String header) {
        List<Clause> clauses = new ArrayList<>();
        if (header == null || header.isBlank()) {
            return clauses;
        }
        for (String clause : splitOutsideQuotes(header, ',')) {
            List<String> names = new ArrayList<>();
            Map<String, String> attributes = new LinkedHashMap<>();
            Map<String, String> directives = new LinkedHashMap<>();
            for (String part : splitOutsideQuotes(clause, ';')) {
                String p = part.strip();
                int attribute = p.indexOf('=');
                if (attribute > 1 && p.charAt(attribute - 1) == ':') {
                    directives.put(p.substring(0, attribute - 1).strip(), unquote(p.substring(attribute + 1)));
                } else if (attribute > 0) {
                    attributes.put(p.substring(0, attribute).strip(), unquote(p.substring(attribute + 1)));
                } else if (!p.isEmpty()) {
                    names.add(p);
                }
            }
            if (!names.isEmpty()) {
                clauses.add(new Clause(List.copyOf(names), Map.copyOf(attributes), Map.copyOf(directives)));
            }
        }
        return clauses;
    }

    /** Every name the header lists, in order. */
    public static List<String> names(String header) {
        return parse(header).stream().flatMap(c -> c.names().stream()).toList();
    }

    private static List<String> splitOutsideQuotes(String text, char separator) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }

    private static String unquote(String value) {
        String v = value.strip();
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }
}
