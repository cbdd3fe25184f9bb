package io.labctl.protocol.modules;

import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A module's module.yaml. */
public record ModuleDescriptor(String name, String version, String description, Targets targets,
                               List<Dependency> requires, LinkedHashMap<String, InputSpec> inputs) {

    public record Targets(List<String> roles, String selector) {}

    public record Dependency(String name, String version) {}

    public record InputSpec(String type, Object defaultValue, String description, boolean secret, boolean required) {}

    public static ModuleDescriptor parse(byte[] yaml) {
        try {
            return Json.yaml().readValue(yaml, ModuleDescriptor.class);
        } catch (IOException e) {
            throw new InvalidInput("invalid-module-descriptor", "module.yaml", "module.yaml is not valid: " + e.getMessage());
        }
    }

    public Map<String, Object> validateInputs(Map<String, String> given) {
        Map<String, String> in = given == null ? Map.of() : given;
        Map<String, InputSpec> specs = inputs == null ? Map.of() : inputs;
        List<String> bad = new ArrayList<>();
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : new TreeSet<>(in.keySet())) {
            if (!specs.containsKey(key)) {
                bad.add(key + ": unknown input");
            }
        }
        specs.forEach((key, spec) -> {
            String value = in.get(key);
            if (value == null) {
                if (spec.required()) {
                    bad.add(key + ": required");
                } else if (spec.defaultValue() != null) {
                    out.put(key, spec.defaultValue() instanceof Integer i ? Long.valueOf(i) : spec.defaultValue());
                }
                return;
            }
            switch (spec.type() == null ? "string" : spec.type()) {
                case "integer" -> {
                    try {
                        out.put(key, Long.parseLong(value.strip()));
                    } catch (NumberFormatException e) {
                        bad.add(key + ": not an integer");
                    }
                }
                case "boolean" -> {
                    if (value.equals("true") || value.equals("false")) {
                        out.put(key, Boolean.parseBoolean(value));
                    } else {
                        bad.add(key + ": not a boolean (true or false)");
                    }
                }
                case "list" -> out.put(key, value.isEmpty() ? List.of() : List.of(value.split(",")));
                default -> out.put(key, value);
            }
        });
        if (!bad.isEmpty()) {
            throw new InvalidInput("invalid-inputs", "set", "inputs of " + name + " are not valid: " + String.join("; ", bad));
        }
        return out;
    }

    public Set<String> secretInputs() {
        Set<String> out = new TreeSet<>();
        if (inputs != null) {
            inputs.forEach((k, v) -> {
                if (v.secret()) {
                    out.add(k);
                }
            });
        }
        return out;
    }
}
