package io.labctl.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one selector grammar of every verb: comma-separated requirements, all of which must hold. Each is
 * {@code key=value}, {@code key!=value}, {@code key} (present) or {@code !key} (absent). The keys name, env,
 * cloud and role address a server's own fields; any other key is a label.
 */
public final class Selector {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._/-]{0,61}[A-Za-z0-9])?");
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9._:/*-]{0,253}");

    public enum Op { EQUALS, NOT_EQUALS, EXISTS, NOT_EXISTS }

    public record Requirement(String key, Op op, String value) {
        boolean matches(Map<String, String> attributes) {
            String actual = attributes.get(key);
            return switch (op) {
                case EQUALS -> value.equals(actual);
                case NOT_EQUALS -> !value.equals(actual);
                case EXISTS -> actual != null;
                case NOT_EXISTS -> actual == null;
            };
        }

        @Override
        public String toString() {
            return switch (op) {
                case EQUALS -> key + "=" + value;
                case NOT_EQUALS -> key + "!=" + value;
                case EXISTS -> key;
                case NOT_EXISTS -> "!" + key;
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
            if (ne > 0) {
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

    /** The attributes a selector sees for a server: its labels, overlaid by name, env, cloud and role. */
    public static Map<String, String> attributesOf(String name, String env, String cloud, String role, Map<String, String> labels) {
        Map<String, String> m = new java.util.HashMap<>(labels == null ? Map.of() : labels);
        m.remove("name");
        m.remove("env");
        m.remove("cloud");
        m.remove("role");
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
