package io.labctl.protocol.modules;

import com.fasterxml.jackson.databind.JsonNode;
import io.labctl.protocol.Names;
import io.labctl.protocol.Selector;
import io.labctl.protocol.text.GuardedYaml;
import io.labctl.protocol.modules.ModuleDescriptor.Dependency;
import io.labctl.protocol.modules.ModuleDescriptor.InputSpec;
import io.labctl.protocol.modules.ModuleDescriptor.Targets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and checks a {@code module.yaml}. Strict on purpose: an unknown key is refused (a typo such as
 * {@code requried: true} would otherwise silently make a secret optional), and every problem is collected so that
 * the author fixes them in one round.
 */
final class DescriptorReader {
    static final Pattern MODULE_NAME = Pattern.compile("[a-z0-9-]{1,63}");
    private static final Pattern INPUT_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,62}");
    private static final int MAX_BYTES = 256 * 1024;
    private static final Set<String> TOP_KEYS = Set.of("name", "version", "description", "targets", "requires", "inputs");
    private static final Set<String> TARGET_KEYS = Set.of("roles", "selector");
    private static final Set<String> DEPENDENCY_KEYS = Set.of("name", "version");
    private static final Set<String> INPUT_KEYS = Set.of("type", "default", "description", "secret", "required");
    private static final Set<String> TYPES = Set.of(ModuleDescriptor.STRING, ModuleDescriptor.INTEGER,
            ModuleDescriptor.BOOLEAN, ModuleDescriptor.LIST);

    private final Problems problems = new Problems();

    private DescriptorReader() {}

    static ModuleDescriptor read(byte[] yaml) {
        return new DescriptorReader().descriptor(yaml);
    }

    private ModuleDescriptor descriptor(byte[] yaml) {
        if (yaml == null || yaml.length == 0) {
            problems.add("module.yaml is empty; give at least name and version");
        } else if (yaml.length > MAX_BYTES) {
            problems.add("module.yaml is larger than " + MAX_BYTES / 1024 + " KiB");
        }
        problems.throwIfAny("invalid-module", "module.yaml is not valid");
        JsonNode root = GuardedYaml.read(yaml, "module.yaml", "invalid-module");
        if (root == null || !root.isObject()) {
            throw new io.labctl.protocol.InvalidInput("invalid-module", null,
                    "module.yaml is not valid: it must be a mapping with name, version and optionally description,"
                            + " targets, requires, inputs");
        }
        unknownKeys(root, TOP_KEYS, "");
        String name = text(root, "name", true);
        if (name != null && !MODULE_NAME.matcher(name).matches()) {
            problems.add("name '" + name + "' is not valid: use 1 to 63 lower-case letters, digits and '-'");
        }
        String version = text(root, "version", true);
        if (version != null && !ModuleVersions.validVersion(version)) {
            problems.add("version '" + version + "' is not valid: use major.minor.micro such as 1.0.0"
                    + " (the bundle's Bundle-Version)");
        }
        String description = text(root, "description", false);
        Targets targets = targets(root.get("targets"));
        List<Dependency> requires = requires(root.get("requires"));
        LinkedHashMap<String, InputSpec> inputs = inputs(root.get("inputs"));
        problems.throwIfAny("invalid-module", "module.yaml" + (name == null ? "" : " of " + name) + " is not valid");
        return new ModuleDescriptor(name, version, description, targets, requires, inputs);
    }

    private Targets targets(JsonNode node) {
        if (absent(node)) {
            return null;
        }
        if (!node.isObject()) {
            problems.add("targets must be a mapping with roles and/or selector");
            return null;
        }
        unknownKeys(node, TARGET_KEYS, "targets.");
        List<String> roles = new ArrayList<>();
        JsonNode r = node.get("roles");
        if (!absent(r)) {
            if (!r.isArray()) {
                problems.add("targets.roles must be a list such as [server]");
            } else {
                for (JsonNode role : r) {
                    if (!role.isValueNode() || !Names.valid(role.asText())) {
                        problems.add("targets.roles has '" + role.asText() + "', not a valid role name:"
                                + " use lower-case letters, digits, '.' and '-'");
                    } else {
                        roles.add(role.asText());
                    }
                }
            }
        }
        String selector = text(node, "selector", false, "targets.selector");
        if (selector != null) {
            try {
                Selector.parse(selector);
            } catch (IllegalArgumentException ex) {
                problems.add("targets.selector is not valid: " + ex.getMessage());
            }
        }
        return new Targets(roles, selector);
    }

    private List<Dependency> requires(JsonNode node) {
        List<Dependency> out = new ArrayList<>();
        if (absent(node)) {
            return out;
        }
        if (!node.isArray()) {
            problems.add("requires must be a list of {name, version}");
            return out;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode d = node.get(i);
            String field = "requires[" + i + "]";
            if (!d.isObject()) {
                problems.add(field + " must be a mapping with name and version");
                continue;
            }
            unknownKeys(d, DEPENDENCY_KEYS, field + ".");
            String depName = text(d, "name", true, field + ".name");
            if (depName != null && !MODULE_NAME.matcher(depName).matches()) {
                problems.add(field + ".name '" + depName + "' is not a valid module name");
            }
            String range = text(d, "version", false, field + ".version");
            if (range != null && !ModuleVersions.validRange(range)) {
                problems.add(field + ".version '" + range + "' is not a version range: write it as [1.0,2) or 1.0");
            }
            out.add(new Dependency(depName, range));
        }
        return out;
    }

    private LinkedHashMap<String, InputSpec> inputs(JsonNode node) {
        LinkedHashMap<String, InputSpec> out = new LinkedHashMap<>();
        if (absent(node)) {
            return out;
        }
        if (!node.isObject()) {
            problems.add("inputs must be a mapping of input name to {type, default, description, secret, required}");
            return out;
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            InputSpec spec = input(e.getKey(), e.getValue());
            if (spec != null) {
                out.put(e.getKey(), spec);
            }
        }
        return out;
    }

    private InputSpec input(String inputName, JsonNode node) {
        String field = "inputs." + inputName;
        int before = problemCount();
        if (!INPUT_NAME.matcher(inputName).matches()) {
            problems.add(field + ": the name is not valid: start with a letter, then letters, digits, '_' or '-'"
                    + " (at most 63)");
        }
        if (!node.isObject()) {
            problems.add(field + " must be a mapping such as { type: string, description: ... }");
            return null;
        }
        unknownKeys(node, INPUT_KEYS, field + ".");
        String type = text(node, "type", true, field + ".type");
        if (type != null && !TYPES.contains(type)) {
            problems.add(field + ".type '" + type + "' is not one of string, integer, boolean, list");
            type = null;
        }
        boolean secret = flag(node, "secret", field);
        boolean required = flag(node, "required", field);
        String description = text(node, "description", false, field + ".description");
        JsonNode def = node.get("default");
        Object defaultValue = null;
        if (def != null && !def.isNull()) {
            if (secret) {
                problems.add(field + " is secret and has a default: a secret's value must come with the apply,"
                        + " never from the module; remove the default");
            }
            if (required) {
                problems.add(field + " is required and has a default: drop one of them");
            }
            if (type != null) {
                defaultValue = InputValues.defaultOf(type, def, field + ".default", problems);
            }
        }
        if (secret && type != null && !ModuleDescriptor.STRING.equals(type)) {
            problems.add(field + " is secret but of type " + type + ": only string inputs can be secret");
        }
        return problemCount() == before ? new InputSpec(type, defaultValue, description, secret, required) : null;
    }

    private int problemCount() {
        return problems.size();
    }

    private boolean flag(JsonNode node, String key, String field) {
        JsonNode v = node.get(key);
        if (absent(v)) {
            return false;
        }
        if (!v.isBoolean()) {
            problems.add(field + "." + key + " must be true or false, not '" + v.asText() + "'");
            return false;
        }
        return v.booleanValue();
    }

    private String text(JsonNode node, String key, boolean required) {
        return text(node, key, required, key);
    }

    private String text(JsonNode node, String key, boolean required, String field) {
        JsonNode v = node.get(key);
        if (absent(v)) {
            if (required) {
                problems.add(field + " is missing");
            }
            return null;
        }
        if (!v.isValueNode()) {
            problems.add(field + " must be a single value, not a " + (v.isArray() ? "list" : "mapping"));
            return null;
        }
        String s = v.asText();
        if (required && s.isBlank()) {
            problems.add(field + " is empty");
            return null;
        }
        return s;
    }

    private void unknownKeys(JsonNode node, Set<String> known, String prefix) {
        node.fieldNames().forEachRemaining(k -> {
            if (!known.contains(k)) {
                problems.add(prefix + k + " is not a known field (known: " + String.join(", ", sorted(known)) + ")");
            }
        });
    }

    private static List<String> sorted(Set<String> keys) {
        List<String> out = new ArrayList<>(keys);
        out.sort(null);
        return out;
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }
}
