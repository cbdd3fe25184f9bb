package io.labctl.protocol.modules;

import com.fasterxml.jackson.databind.JsonNode;
import io.labctl.protocol.Json;
import io.labctl.protocol.modules.ModuleDescriptor.InputSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the text of an apply's inputs into typed values. One converter for given values and for defaults, so that
 * a default and a value given by hand are read the same way. A list is written comma-separated ({@code a,b}) or
 * as a YAML/JSON list ({@code [a, b]}).
 */
final class InputValues {
    private InputValues() {}

    static Map<String, Object> validate(ModuleDescriptor descriptor, Map<String, String> given) {
        Problems problems = new Problems();
        Map<String, InputSpec> inputs = descriptor.inputs();
        for (String name : given.keySet()) {
            if (!inputs.containsKey(name)) {
                problems.add("unknown input '" + name + "' (" + (inputs.isEmpty() ? "this module takes no inputs"
                        : "this module takes: " + String.join(", ", inputs.keySet())) + ")");
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        inputs.forEach((name, spec) -> {
            String text = given.get(name);
            if (text != null) {
                Object value = parse(spec, name, text, problems);
                if (value != null) {
                    out.put(name, value);
                }
            } else if (spec.defaultValue() != null) {
                out.put(name, normalised(spec.type(), spec.defaultValue()));
            } else if (spec.required()) {
                problems.add("input '" + name + "' is required" + (spec.description() == null ? ""
                        : " (" + spec.description() + ")") + ": set it with --set " + name + "=VALUE");
            }
        });
        problems.throwIfAny("invalid-inputs", "inputs of module " + descriptor.name() + " are not valid");
        return out;
    }

    /** The typed value of {@code text} for the input, or null after adding a problem naming the input. */
    private static Object parse(InputSpec spec, String name, String text, Problems problems) {
        String shown = spec.secret() ? "(secret value)" : "'" + text + "'";
        switch (spec.type()) {
            case ModuleDescriptor.INTEGER:
                try {
                    return Long.parseLong(text.strip());
                } catch (NumberFormatException ex) {
                    problems.add("input '" + name + "' must be an integer, not " + shown);
                    return null;
                }
            case ModuleDescriptor.BOOLEAN:
                String b = text.strip();
                if (b.equals("true") || b.equals("false")) {
                    return Boolean.valueOf(b);
                }
                problems.add("input '" + name + "' must be true or false, not " + shown);
                return null;
            case ModuleDescriptor.LIST:
                return list(name, text, problems);
            default:
                return text;
        }
    }

    private static List<String> list(String name, String text, Problems problems) {
        String t = text.strip();
        if (t.isEmpty()) {
            return List.of();
        }
        if (t.startsWith("[")) {
            try {
                JsonNode node = Json.yaml().readTree(t);
                List<String> out = node.isArray() ? items(node) : null;
                if (out != null) {
                    return out;
                }
            } catch (IOException ex) {
                // falls through to the problem below
            }
            problems.add("input '" + name + "' must be a list such as a,b or [a, b], not '" + text + "'");
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String item : t.split(",")) {
            out.add(item.strip());
        }
        return out;
    }

    /** The items of a list node when they are all single values, else null. */
    private static List<String> items(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode item : array) {
            if (!item.isValueNode() || item.isNull()) {
                return null;
            }
            out.add(item.asText());
        }
        return out;
    }

    /** A default in a module.yaml, as its type's value; null after adding a problem naming {@code field}. */
    static Object defaultOf(String type, JsonNode node, String field, Problems problems) {
        switch (type) {
            case ModuleDescriptor.INTEGER:
                if (node.isIntegralNumber() && node.canConvertToLong()) {
                    return node.longValue();
                }
                break;
            case ModuleDescriptor.BOOLEAN:
                if (node.isBoolean()) {
                    return node.booleanValue();
                }
                break;
            case ModuleDescriptor.LIST:
                List<String> items = node.isArray() ? items(node) : null;
                if (items != null) {
                    return items;
                }
                break;
            default:
                if (node.isValueNode()) {
                    return node.asText();
                }
        }
        problems.add(field + " is not of type " + type + ": '" + node.toString() + "'");
        return null;
    }

    /** A default as its type's Java value also after a JSON round trip (where a Long comes back as an Integer). */
    private static Object normalised(String type, Object value) {
        if (ModuleDescriptor.INTEGER.equals(type) && value instanceof Number n) {
            return n.longValue();
        }
        if (ModuleDescriptor.LIST.equals(type) && value instanceof Collection<?> c) {
            List<String> out = new ArrayList<>();
            c.forEach(item -> out.add(String.valueOf(item)));
            return List.copyOf(out);
        }
        if (ModuleDescriptor.STRING.equals(type)) {
            return String.valueOf(value);
        }
        return value;
    }
}
