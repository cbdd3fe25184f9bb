package io.labctl.apps.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a raw input value (typed YAML, or the text of a stack config value) into its input's type, or says why not. */
final class InputTypes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private InputTypes() {}

    /**
     * The value of {@code raw} as {@code type} (String, Integer, Boolean, or Map for object); on a mismatch, adds a
     * problem naming {@code field} and returns null. Text is accepted for every type because stack config values
     * are text (an object is JSON there).
     */
    static Object coerce(String type, Object raw, String field, List<String> problems) {
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
        problems.add(field + " must be " + article(type) + ", not " + shown(raw));
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
