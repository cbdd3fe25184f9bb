package io.labctl.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one selector grammar of every verb: comma-separated requirements, all of which must hold. Each is
 * {@code key=value}, {@code key!=value}, {@code key} (present), {@code !key} (absent) or a whole-number comparison
 * {@code key>=N}, {@code key<=N}, {@code key>N}, {@code key<N} (holds only when the attribute is a whole number).
 * The keys name, env, cloud and role address a server's own fields; os, os.version, arch, kernel, cpus and memory
 * (whole GiB) its agent's facts; any other key is a label.
 */
public final class Selector {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._/-]{0,61}[A-Za-z0-9])?");
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9._:/*-]{0,253}");

    public enum Op {
        EQUALS("="), NOT_EQUALS("!="), EXISTS(""), NOT_EXISTS(""),
        AT_LEAST(">="), AT_MOST("<="), MORE_THAN(">"), LESS_THAN("<");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        boolean numeric() {
            return ordinal() >= AT_LEAST.ordinal();
        }
    }

    /** The keys that name a server's own fields; labels of these names are never seen. */
    private static final List<String> FIELDS = List.of("name", "env", "cloud", "role");
    /** The keys filled from the facts its agent reports; labels of these names are never seen either. */
    public static final List<String> FACTS = List.of("os", "os.version", "arch", "kernel", "cpus", "memory");

    public record Requirement(String key, Op op, String value) {
        boolean matches(Map<String, String> attributes) {
            String actual = attributes.get(key);
            return switch (op) {
                case EQUALS -> value.equals(actual);
                case NOT_EQUALS -> !value.equals(actual);
                case EXISTS -> actual != null;
                case NOT_EXISTS -> actual == null;
                case AT_LEAST, AT_MOST, MORE_THAN, LESS_THAN -> compares(actual);
            };
        }

        private boolean compares(String actual) {
            Long number = wholeNumber(actual);
            if (number == null) {
                return false;  // absent or not a number: a comparison cannot hold
            }
            int c = Long.compare(number, Long.parseLong(value));
            return switch (op) {
                case AT_LEAST -> c >= 0;
                case AT_MOST -> c <= 0;
                case MORE_THAN -> c > 0;
                default -> c < 0;
            };
        }

        @Override
        public String toString() {
            return switch (op) {
                case EXISTS -> key;
                case NOT_EXISTS -> "!" + key;
                default -> key + op.symbol + value;
            };
        }
    }

    private static final Selector EVERYTHING = new Selector(List.of());
    private final List<Requirement> requirements;

    private Selector(List<Requirement> requirements) {
        this.requirements = Collections.unmodifiableList(requirements);
    }

    public static Selector everything() {
        return EVERYTHING;
    }

    /**
     * A selector from text. An absent selector ({@code null}) selects everything; text that is blank or holds an
     * empty requirement ({@code ","}, {@code "env=lab,"}) is refused, never read as "everything": an empty term
     * usually comes from an unset shell variable, and reading it as nothing would widen a command to every server.
     */
    public static Selector parse(String text) {
        if (text == null) {
            return EVERYTHING;
        }
        if (text.isBlank()) {
            throw new IllegalArgumentException("selector is empty; give requirements such as env=lab,role=worker"
                    + " (to select every server, use the requirement name)");
        }
        if (text.length() > 4096) {
            throw new IllegalArgumentException("selector is longer than 4096 characters");
        }
        List<Requirement> out = new ArrayList<>();
        for (String raw : text.split(",", -1)) {  // -1: keep trailing empty terms, so that they are refused
            String part = raw.strip();
            if (part.isEmpty()) {
                throw new IllegalArgumentException("selector '" + text + "' has an empty requirement;"
                        + " remove the stray comma (an unset shell variable leaves one), separate requirements with single commas");
            }
            Requirement r;
            int ne = part.indexOf("!=");
            int eq = part.indexOf('=');
            int cmp = indexOfComparison(part);
            if (cmp > 0 && (eq < 0 || cmp < eq)) {
                r = comparison(part, cmp, text);
            } else if (ne > 0) {
                r = new Requirement(key(part.substring(0, ne), text), Op.NOT_EQUALS, value(part.substring(ne + 2), text));
                if (r.value().isEmpty()) {
                    // key!= with nothing after it would match every server
                    throw new IllegalArgumentException("selector '" + text + "': '" + part + "' has no value; write "
                            + r.key() + "!=VALUE, or !" + r.key() + " for servers without " + r.key());
                }
            } else if (eq > 0) {
                String v = part.substring(eq + 1);
                if (v.startsWith("=")) {
                    v = v.substring(1);  // accept key==value as kubectl does
                }
                r = new Requirement(key(part.substring(0, eq), text), Op.EQUALS, value(v, text));
            } else if (part.startsWith("!")) {
                r = new Requirement(key(part.substring(1), text), Op.NOT_EXISTS, null);
            } else {
                r = new Requirement(key(part, text), Op.EXISTS, null);
            }
            out.add(r);
        }
        return new Selector(out);
    }

    /** The position of the first {@code <} or {@code >} in a requirement, or -1. */
    private static int indexOfComparison(String part) {
        for (int i = 0; i < part.length(); i++) {
            if (part.charAt(i) == '<' || part.charAt(i) == '>') {
                return i;
            }
        }
        return -1;
    }

    private static Requirement comparison(String part, int at, String whole) {
        boolean orEqual = at + 1 < part.length() && part.charAt(at + 1) == '=';
        Op op = part.charAt(at) == '>' ? (orEqual ? Op.AT_LEAST : Op.MORE_THAN) : (orEqual ? Op.AT_MOST : Op.LESS_THAN);
        String key = key(part.substring(0, at), whole);
        String number = part.substring(at + (orEqual ? 2 : 1)).strip();
        if (wholeNumber(number) == null) {
            throw new IllegalArgumentException("selector '" + whole + "': '" + part + "' compares with '" + number
                    + "', which is not a whole number; write e.g. " + key + op.symbol + "4 (memory is in whole GiB)");
        }
        return new Requirement(key, op, String.valueOf(Long.parseLong(number)));
    }

    private static Long wholeNumber(String text) {
        if (text == null || !text.matches("-?[0-9]{1,18}")) {
            return null;
        }
        return Long.parseLong(text);
    }

    /** This selector with one more requirement key=value (used by the --env/--cloud/--label shortcuts). */
    public Selector and(String key, String value) {
        List<Requirement> out = new ArrayList<>(requirements);
        out.add(new Requirement(key(key, key + "=" + value), Op.EQUALS, value(value, key + "=" + value)));
        return new Selector(out);
    }

    public boolean matches(Map<String, String> attributes) {
        for (Requirement r : requirements) {
            if (!r.matches(attributes)) {
                return false;
            }
        }
        return true;
    }

    public List<Requirement> requirements() {
        return requirements;
    }

    /** The attributes a selector sees for a server without facts (its agent has not reported any yet). */
    public static Map<String, String> attributesOf(String name, String env, String cloud, String role, Map<String, String> labels) {
        return attributesOf(name, env, cloud, role, labels, null);
    }

    /**
     * The attributes a selector sees for a server: its labels, overlaid by name, env, cloud and role and by the facts
     * its agent reports (os = os-release ID, os.version = VERSION_ID, arch, kernel, cpus, memory in whole GiB rounded
     * down). A label named like a field or a fact is never seen, even when the fact is unknown: a label cannot
     * pretend a server runs another OS.
     */
    public static Map<String, String> attributesOf(String name, String env, String cloud, String role, Map<String, String> labels,
                                                   HostFacts facts) {
        Map<String, String> m = new java.util.HashMap<>(labels == null ? Map.of() : labels);
        FIELDS.forEach(m::remove);
        FACTS.forEach(m::remove);
        if (facts != null) {
            putIfKnown(m, "os", facts.osId());
            putIfKnown(m, "os.version", facts.osVersion());
            putIfKnown(m, "arch", facts.arch());
            putIfKnown(m, "kernel", facts.kernel());
            if (facts.cpus() > 0) {
                m.put("cpus", String.valueOf(facts.cpus()));
            }
            if (facts.memoryBytes() > 0) {
                m.put("memory", String.valueOf(facts.memoryBytes() >> 30));
            }
        }
        m.put("name", name);
        if (env != null) {
            m.put("env", env);
        }
        if (cloud != null) {
            m.put("cloud", cloud);
        }
        if (role != null) {
            m.put("role", role);
        }
        return m;
    }

    private static void putIfKnown(Map<String, String> m, String key, String value) {
        if (value != null && !value.isBlank()) {
            m.put(key, value);
        }
    }

    private static String key(String k, String whole) {
        String s = k.strip();
        if (!KEY.matcher(s).matches()) {
            throw new IllegalArgumentException("selector '" + whole + "': '" + s + "' is not a valid key (letters, digits, . _ / -)");
        }
        return s;
    }

    private static String value(String v, String whole) {
        String s = v.strip();
        if (!VALUE.matcher(s).matches()) {
            throw new IllegalArgumentException("selector '" + whole + "': '" + s + "' is not a valid value (letters, digits, . _ : / -)");
        }
        return s;
    }

    @Override
    public String toString() {
        return String.join(",", requirements.stream().map(Requirement::toString).toList());
    }
}
