package io.labctl.cli.modules;

import com.fasterxml.jackson.databind.JsonNode;
import io.labctl.protocol.Json;
import io.labctl.protocol.modules.AssignmentRevision;
import io.labctl.protocol.text.GuardedYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Input values as {@code modules apply} takes them ({@code -f values.yaml}, a flat map, overlaid by each
 * {@code --set k=v}) and as {@code apps install|upgrade} do (YAML files with their structure, and the --set ones
 * apart). labd checks the values against the module's or app's descriptor; this only reads them. Messages name keys,
 * never values: a value may be a secret.
 */
public final class InputValues {
    private InputValues() {}

    /**
     * The values of a values file, then of the --set options (which win).
     * @throws IllegalArgumentException naming what is wrong (a usage error)
     */
    public static Map<String, String> of(Path valuesFile, List<String> sets) {
        Map<String, String> out = new TreeMap<>();
        if (valuesFile != null) {
            out.putAll(file(valuesFile));
        }
        out.putAll(sets(sets));
        return out;
    }

    /** {@code k=v} each (v may contain '=' and be empty); a key given twice is an error, not "the last one wins". */
    public static Map<String, String> sets(List<String> sets) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String set : sets == null ? List.<String>of() : sets) {
            int eq = set.indexOf('=');
            String key = eq < 0 ? set.strip() : set.substring(0, eq).strip();
            if (eq <= 0 || key.isEmpty()) {
                throw new IllegalArgumentException("--set '" + (eq < 0 ? set : key + "=...") + "' is not KEY=VALUE"
                        + " (e.g. --set port=6443)");
            }
            if (out.put(key, set.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("--set " + key + " is given twice; give each input once");
            }
        }
        return out;
    }

    /** A YAML (or JSON) map of input name to a scalar or a list of scalars (sent as a comma-separated list). */
    static Map<String, String> file(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> bad = new ArrayList<>();
        map(file).forEach((key, node) -> {
            String value = text(node);
            if (value == null) {
                bad.add(key);
            } else {
                out.put(key, value);
            }
        });
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("-f " + file + ": " + String.join(", ", bad)
                    + (bad.size() == 1 ? " is" : " are") + " not a value or a list of values (the file is a flat map)");
        }
        return out;
    }

    /**
     * An app's values ({@code labctl apps install -f}): each file a YAML map of input name to value with its structure
     * kept (an input may be an object, a number stays a number); a later file's input replaces an earlier file's
     * (whole, objects too: an input is one value). A key without a value is refused: it is a mistake, not "unset".
     * @throws IllegalArgumentException naming the file and the keys, never values (a usage error)
     */
    public static Map<String, Object> structured(List<Path> files) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Path file : files == null ? List.<Path>of() : files) {
            List<String> empty = new ArrayList<>();
            map(file).forEach((key, node) -> {
                if (node.isNull()) {
                    empty.add(key);
                } else {
                    out.put(key, Json.yaml().convertValue(node, Object.class));
                }
            });
            if (!empty.isEmpty()) {
                throw new IllegalArgumentException("-f " + file + ": " + String.join(", ", empty)
                        + (empty.size() == 1 ? " has" : " have") + " no value; give one or leave the key out");
            }
        }
        return out;
    }

    /**
     * The top-level entries of a values file, read with labd's limits for YAML from outside (no anchors, no key twice,
     * no deep nesting); an empty file has none.
     */
    private static Map<String, JsonNode> map(Path file) {
        JsonNode root;
        try {
            root = GuardedYaml.read(Files.readAllBytes(file), "-f " + file, "invalid-values");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("-f " + file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException("-f " + file + ": cannot be read: " + firstLine(e.getMessage()));
        }
        Map<String, JsonNode> out = new LinkedHashMap<>();
        if (root == null || root.isNull() || root.isMissingNode()) {
            return out;  // an empty file: no values
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("-f " + file + " must hold a map of input names to values (name: value)");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    private static String text(JsonNode node) {
        if (node.isValueNode() && !node.isNull()) {
            return node.asText();
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : node) {
                if (!item.isValueNode() || item.isNull()) {
                    return null;
                }
                items.add(item.asText());
            }
            return String.join(",", items);
        }
        return null;
    }

    /** The values as they may be shown: those of secret inputs as ******. */
    public static Map<String, String> masked(Map<String, String> values, Set<String> secrets) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k, secrets.contains(k) ? AssignmentRevision.MASK : v));
        return out;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
