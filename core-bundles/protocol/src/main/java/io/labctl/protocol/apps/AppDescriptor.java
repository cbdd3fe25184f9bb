package io.labctl.protocol.apps;

import com.fasterxml.jackson.databind.JsonNode;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Json;
import io.labctl.protocol.text.GuardedYaml;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An app's {@code app.yaml}: name, version, description, the inputs it takes and the labctl permissions an install
 * needs. Strict on purpose: an unknown key is refused (a typo such as {@code requried: true} would otherwise make a
 * secret optional), and every problem is collected so the author fixes them in one round. The same reading serves the
 * app's program (through the apps' support library), labd's repository (a pushed app jar) and labd's checks before an
 * install runs, so the three never disagree. Both files are read with {@link GuardedYaml}'s limits (size, depth, no
 * anchors): they come from whoever pushed the app.
 */
public record AppDescriptor(String name, String version, String description, Map<String, Input> inputs,
        List<String> permissions) {

    public static final String STRING = "string";
    public static final String INTEGER = "integer";
    public static final String BOOLEAN = "boolean";
    public static final String OBJECT = "object";

    private static final Set<String> TOP_KEYS = Set.of("name", "version", "description", "inputs", "permissions");
    private static final Set<String> INPUT_KEYS = Set.of("type", "required", "default", "secret", "description");
    private static final Set<String> TYPES = Set.of(STRING, INTEGER, BOOLEAN, OBJECT);
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,63}");
    private static final Pattern INPUT_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,62}");
    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+");
    // action:cloud:env:target, where cloud and env are usually the install's own (<cloud>, <env>)
    private static final Pattern PERMISSION = Pattern.compile(
            "(read|exec|apply|destroy|manage|admin|kubectl):(<cloud>|\\*|[a-z0-9.-]+):(<env>|\\*|[a-z0-9.-]+):"
                    + "(\\*|cluster/(\\*|<cluster>|[a-z0-9.-]+)|[a-z0-9.-]+)");

    /** One input: its type, whether it must be given, its default, whether it is secret. */
    public record Input(String type, boolean required, Object defaultValue, boolean secret, String description) {}

    public AppDescriptor {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        permissions = List.copyOf(permissions);
    }

    /** Where an app jar holds its descriptor and its values. */
    public static final String APP_YAML = "app/app.yaml";
    public static final String VALUES_YAML = "app/values.yaml";

    /** Reads and checks {@code yaml}; throws {@link InvalidInput} (code {@code invalid-app}) naming every problem. */
    public static AppDescriptor parse(byte[] yaml) {
        List<String> problems = new ArrayList<>();
        JsonNode root = tree(yaml, "app.yaml", problems);
        if (root == null || !root.isObject()) {
            problems.add("app.yaml must be a mapping with name, version, description, inputs and permissions");
            throw invalid("app.yaml", problems);
        }
        unknown(root, TOP_KEYS, "", problems);
        String name = text(root, "name", problems);
        if (name != null && !NAME.matcher(name).matches()) {
            problems.add("name '" + name + "' is not valid: use 1 to 63 lower-case letters, digits and '-'");
        }
        String version = text(root, "version", problems);
        if (version != null && !VERSION.matcher(version).matches()) {
            problems.add("version '" + version + "' is not valid: use major.minor.micro such as 1.0.0");
        }
        String description = text(root, "description", problems);
        Map<String, Input> inputs = new LinkedHashMap<>();
        JsonNode in = root.get("inputs");
        if (in != null && !in.isObject()) {
            problems.add("inputs must be a mapping of input name to {type, required, default, secret, description}");
        } else if (in != null) {
            Iterator<Map.Entry<String, JsonNode>> it = in.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                Input input = input(e.getKey(), e.getValue(), problems);
                if (input != null) {
                    inputs.put(e.getKey(), input);
                }
            }
        }
        List<String> permissions = new ArrayList<>();
        JsonNode perms = root.get("permissions");
        if (perms == null || !perms.isArray() || perms.isEmpty()) {
            problems.add("permissions must be a non-empty list such as [\"apply:<cloud>:<env>:*\"]");
        } else {
            for (JsonNode p : perms) {
                if (!p.isTextual() || !PERMISSION.matcher(p.asText()).matches()) {
                    problems.add("permissions has '" + p.asText() + "', not a permission: write action:cloud:env:target"
                            + " such as apply:<cloud>:<env>:*");
                } else {
                    permissions.add(p.asText());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw invalid("app.yaml" + (name == null ? "" : " of " + name), problems);
        }
        return new AppDescriptor(name, version, description, inputs, permissions);
    }

    /** Reads {@code values.yaml} (a mapping, possibly empty) into plain values: String, Integer, Long, Boolean, Map. */
    public static Map<String, Object> parseValues(byte[] yaml) {
        List<String> problems = new ArrayList<>();
        JsonNode root = tree(yaml, "values.yaml", problems);
        if (root == null || root.isMissingNode() || root.isNull()) {
            if (!problems.isEmpty()) {
                throw invalid("values.yaml", problems);
            }
            return Map.of();
        }
        if (!root.isObject()) {
            throw invalid("values.yaml", List.of("values.yaml must be a mapping of input name to value"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> values = Json.yaml().convertValue(root, LinkedHashMap.class);
        return values;
    }

    private static Input input(String inputName, JsonNode node, List<String> problems) {
        String field = "inputs." + inputName;
        int before = problems.size();
        if (!INPUT_NAME.matcher(inputName).matches()) {
            problems.add(field + ": the name is not valid: start with a letter, then letters and digits (camelCase,"
                    + " as Pulumi config keys)");
        }
        if (!node.isObject()) {
            problems.add(field + " must be a mapping such as { type: string, description: ... }");
            return null;
        }
        unknown(node, INPUT_KEYS, field + ".", problems);
        String type = text(node, "type", problems, field + ".type");
        if (type != null && !TYPES.contains(type)) {
            problems.add(field + ".type '" + type + "' is not one of string, integer, boolean, object");
            type = null;
        }
        boolean required = flag(node, "required", field, problems);
        boolean secret = flag(node, "secret", field, problems);
        JsonNode desc = node.get("description");
        String description = desc == null || desc.isNull() ? null : desc.asText();
        Object def = null;
        JsonNode d = node.get("default");
        if (d != null && !d.isNull()) {
            if (secret) {
                problems.add(field + " is secret and has a default: a secret comes with the install, never with the"
                        + " app; remove the default");
            }
            if (type != null) {
                def = AppInputs.coerce(type, Json.yaml().convertValue(d, Object.class), field + ".default", problems);
            }
        }
        if (secret && !STRING.equals(type) && type != null) {
            problems.add(field + " is secret but of type " + type + ": only string inputs can be secret");
        }
        return problems.size() == before ? new Input(type, required, def, secret, description) : null;
    }

    private static JsonNode tree(byte[] yaml, String file, List<String> problems) {
        if (yaml == null || yaml.length == 0) {
            return null;
        }
        try {
            return GuardedYaml.read(yaml, file, "invalid-app");
        } catch (InvalidInput ex) {
            problems.add(ex.getMessage());
            return null;
        }
    }

    private static void unknown(JsonNode node, Set<String> known, String prefix, List<String> problems) {
        node.fieldNames().forEachRemaining(k -> {
            if (!known.contains(k)) {
                problems.add(prefix + k + " is not a known key (known: " + String.join(", ", known.stream().sorted()
                        .toList()) + ")");
            }
        });
    }

    private static String text(JsonNode node, String key, List<String> problems) {
        return text(node, key, problems, key);
    }

    private static String text(JsonNode node, String key, List<String> problems, String field) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
            problems.add(field + " is missing");
            return null;
        }
        if (!v.isValueNode()) {
            problems.add(field + " must be text");
            return null;
        }
        return v.asText();
    }

    private static boolean flag(JsonNode node, String key, String field, List<String> problems) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            problems.add(field + "." + key + " must be true or false");
            return false;
        }
        return v.asBoolean();
    }

    private static InvalidInput invalid(String what, List<String> problems) {
        return new InvalidInput("invalid-app", null, what + " is not valid: " + String.join("; ", problems));
    }
}
