package io.labctl.protocol.apps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * An app's input values: each raw value (typed YAML, or the text of a stack config value) turned into its input's
 * type, and the values of all inputs resolved from what an install gives, the app's {@code values.yaml} and the
 * defaults. The app's program (at its start) and labd (before a run starts) resolve with this same code.
 */
public final class AppInputs {
    private static final ObjectMapper JSON = io.labctl.protocol.Json.json();

    private AppInputs() {}

    /**
     * The inputs' values, each first found in: {@code given} (by input name), {@code values} (the app's values.yaml),
     * the input's default. Inputs with no value are left out. Problems name inputs, never values (a value may be a
     * secret).
     */
    public record Resolved(Map<String, Object> values, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    public static Resolved resolve(AppDescriptor descriptor, Map<String, Object> values,
            Function<String, Optional<?>> given) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> resolved = new LinkedHashMap<>();
        descriptor.inputs().forEach((name, input) -> {
            Optional<?> fromInstall = given.apply(name);
            Object value;
            String where;
            if (fromInstall.isPresent()) {
                value = fromInstall.get();
                where = "input " + name;
            } else if (values.get(name) != null) {
                value = values.get(name);
                where = "input " + name + " (values.yaml)";
            } else {
                value = input.defaultValue();
                where = "input " + name;
            }
            if (value == null) {
                if (input.required()) {
                    problems.add("input " + name + " is required: give it at install (labctl apps install "
                            + descriptor.name() + (input.secret() ? " -f secrets.yaml with " + name + ": ..."
                            : " --set " + name + "=...") + ")");
                }
                return;
            }
            Object typed = coerce(input.type(), value, where, problems, input.secret());
            if (typed != null) {
                resolved.put(name, typed);
            }
        });
        return new Resolved(resolved, problems);
    }

    /** The keys of {@code given} that name no input of the app, sorted (an install naming one is refused). */
    public static List<String> unknown(AppDescriptor descriptor, java.util.Collection<String> given) {
        TreeSet<String> out = new TreeSet<>(given);
        out.removeAll(descriptor.inputs().keySet());
        return List.copyOf(out);
    }

    /**
     * The value of {@code raw} as {@code type} (String, Integer, Boolean, or Map for object); on a mismatch, adds a
     * problem naming {@code field} and returns null. Text is accepted for every type because stack config values
     * and {@code --set} values are text (an object is JSON there).
     */
    public static Object coerce(String type, Object raw, String field, List<String> problems) {
        return coerce(type, raw, field, problems, false);
    }

    /** As {@link #coerce(String, Object, String, List)}; a secret value is never quoted in the problem. */
    public static Object coerce(String type, Object raw, String field, List<String> problems, boolean secret) {
        switch (type) {
            case AppDescriptor.STRING:
                if (raw instanceof String s) {
                    return s;
                }
                break;
            case AppDescriptor.INTEGER:
                if (raw instanceof Integer i) {
                    return i;
                }
                if (raw instanceof String s) {
                    try {
                        return Integer.valueOf(s.trim());
                    } catch (NumberFormatException ex) {
                        break;
                    }
                }
                break;
            case AppDescriptor.BOOLEAN:
                if (raw instanceof Boolean b) {
                    return b;
                }
                if ("true".equals(raw) || "false".equals(raw)) {
                    return Boolean.valueOf((String) raw);
                }
                break;
            case AppDescriptor.OBJECT:
                if (raw instanceof Map<?, ?> m) {
                    return new LinkedHashMap<>(m);
                }
                if (raw instanceof String s) {
                    try {
                        Object parsed = JSON.readValue(s, Object.class);
                        if (parsed instanceof Map<?, ?> m) {
                            return new LinkedHashMap<>(m);
                        }
                    } catch (JsonProcessingException ex) {
                        break;
                    }
                }
                break;
            default:
                break;
        }
        problems.add(field + " must be " + article(type) + (secret ? "" : ", not " + shown(raw)));
        return null;
    }

    private static String article(String type) {
        return switch (type) {
            case AppDescriptor.INTEGER -> "an integer";
            case AppDescriptor.OBJECT -> "an object (a mapping; JSON in the stack config)";
            case AppDescriptor.BOOLEAN -> "true or false";
            default -> "a " + type;
        };
    }

    private static String shown(Object raw) {
        if (raw instanceof String s) {
            return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
        }
        return raw instanceof Map ? "a mapping" : raw instanceof List ? "a list" : String.valueOf(raw);
    }
}
