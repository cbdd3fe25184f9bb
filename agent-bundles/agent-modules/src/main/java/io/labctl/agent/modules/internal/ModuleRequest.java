package io.labctl.agent.modules.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What labd asks of the agent on a {@code module} stream, read from the OPEN's parameters and checked: every field a
 * peer sends is bounded and typed before anything is fetched or installed.
 *
 * @param inputs  the module's inputs as JSON gives them (String, Long, Boolean, List of String), secrets in clear
 * @param secrets the names of the inputs that are secret (their values are masked in everything reported)
 */
record ModuleRequest(String action, String module, String version, String sha256, String runId,
                     Map<String, Object> inputs, Set<String> secrets) {
    static final String PLAN = "plan";
    static final String APPLY = "apply";
    static final String REMOVE = "remove";
    static final List<String> ACTIONS = List.of(PLAN, APPLY, REMOVE);

    /** A module's name, as module.yaml allows it. */
    static final Pattern MODULE_NAME = Pattern.compile("[a-z0-9-]{1,63}");
    /** A bundle version: major.minor.micro with an optional qualifier. */
    static final Pattern VERSION = Pattern.compile("\\d{1,9}\\.\\d{1,9}\\.\\d{1,9}(\\.[A-Za-z0-9_-]{1,64})?");
    static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    static final Pattern INPUT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");
    /** Bounds on what a peer can make the agent hold (an OPEN is one frame of at most 64 KiB anyway). */
    static final int MAX_INPUTS = 256;
    static final int MAX_LIST_ITEMS = 1024;
    static final int MAX_VALUE_CHARS = 64 * 1024;

    ModuleRequest {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        secrets = Collections.unmodifiableSet(new LinkedHashSet<>(secrets));
    }

    /** Reads the OPEN's parameters; every problem is named in the one exception. */
    static ModuleRequest fromParams(Map<String, Object> params) throws ModuleRunException {
        Map<String, Object> p = params == null ? Map.of() : params;
        List<String> problems = new ArrayList<>();
        String action = text(p, "action", null, problems);
        if (action != null && !ACTIONS.contains(action)) {
            problems.add("action must be one of " + ACTIONS + ", not '" + shorten(action) + "'");
        }
        String module = text(p, "module", MODULE_NAME, problems);
        String version = text(p, "version", VERSION, problems);
        String sha256 = text(p, "sha256", null, problems);
        if (sha256 != null) {
            sha256 = sha256.toLowerCase(Locale.ROOT);
            if (!SHA256.matcher(sha256).matches()) {
                problems.add("sha256 must be 64 hex digits (the SHA-256 of the module's jar)");
            }
        }
        String runId = text(p, "runId", RUN_ID, problems);
        Map<String, Object> inputs = inputs(p.get("inputs"), problems);
        Set<String> secrets = secrets(p.get("secrets"), inputs, problems);
        if (!problems.isEmpty()) {
            throw new ModuleRunException(ModuleRunException.INVALID_REQUEST,
                    "labd's module request is not valid: " + String.join("; ", problems));
        }
        return new ModuleRequest(action, module, version, sha256, runId, inputs, secrets);
    }

    private static String text(Map<String, Object> p, String field, Pattern shape, List<String> problems) {
        Object value = p.get(field);
        if (!(value instanceof String s) || s.isEmpty()) {
            problems.add(field + " is missing (a non-empty string)");
            return null;
        }
        if (shape != null && !shape.matcher(s).matches()) {
            problems.add(field + " '" + shorten(s) + "' does not match " + shape.pattern());
            return null;
        }
        return s;
    }

    private static Map<String, Object> inputs(Object raw, List<String> problems) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        if (raw == null) {
            return inputs;
        }
        if (!(raw instanceof Map<?, ?> given)) {
            problems.add("inputs must be a map of input names to values");
            return inputs;
        }
        if (given.size() > MAX_INPUTS) {
            problems.add("inputs has " + given.size() + " entries; at most " + MAX_INPUTS + " are taken");
            return inputs;
        }
        for (Map.Entry<?, ?> entry : given.entrySet()) {
            String name = String.valueOf(entry.getKey());
            if (!INPUT_NAME.matcher(name).matches()) {
                problems.add("input name '" + shorten(name) + "' does not match " + INPUT_NAME.pattern());
                continue;
            }
            Object value = typed(name, entry.getValue(), problems);
            if (value != null) {
                inputs.put(name, value);
            }
        }
        return inputs;
    }

    /** The value as a module reads it: String, Long, Boolean or a List of String; null (and a problem) otherwise. */
    private static Object typed(String name, Object value, List<String> problems) {
        if (value instanceof String s) {
            return bounded(name, s, problems);
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof List<?> list) {
            if (list.size() > MAX_LIST_ITEMS) {
                problems.add("input " + name + " has " + list.size() + " items; at most " + MAX_LIST_ITEMS + " are taken");
                return null;
            }
            List<String> items = new ArrayList<>(list.size());
            for (Object item : list) {
                if (!(item instanceof String || item instanceof Number || item instanceof Boolean)) {
                    problems.add("input " + name + " is a list with an item that is not a string, number or boolean");
                    return null;
                }
                String text = bounded(name, String.valueOf(item), problems);
                if (text == null) {
                    return null;
                }
                items.add(text);
            }
            return List.copyOf(items);
        }
        problems.add("input " + name + " must be a string, an integer, a boolean or a list of strings, not "
                + (value == null ? "null" : value.getClass().getSimpleName()));
        return null;
    }

    private static String bounded(String name, String value, List<String> problems) {
        if (value.length() > MAX_VALUE_CHARS) {
            problems.add("input " + name + " is " + value.length() + " characters; at most " + MAX_VALUE_CHARS
                    + " are taken (ship large content as an artifact in labd's repository)");
            return null;
        }
        return value;
    }

    private static Set<String> secrets(Object raw, Map<String, Object> inputs, List<String> problems) {
        Set<String> secrets = new LinkedHashSet<>();
        if (raw == null) {
            return secrets;
        }
        if (!(raw instanceof List<?> names) || names.size() > MAX_INPUTS) {
            problems.add("secrets must be a list of at most " + MAX_INPUTS + " input names");
            return secrets;
        }
        for (Object name : names) {
            if (!(name instanceof String s) || !INPUT_NAME.matcher(s).matches()) {
                problems.add("secrets names '" + shorten(String.valueOf(name)) + "', which is not an input name");
            } else if (inputs.containsKey(s) && !(inputs.get(s) instanceof String)) {
                problems.add("secret input " + s + " must be a string");
            } else {
                secrets.add(s);
            }
        }
        return secrets;
    }

    /** A peer's text quoted back in a message, cut short. */
    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    /** The values of the secret inputs (for masking). */
    List<String> secretValues() {
        List<String> values = new ArrayList<>();
        for (String name : secrets) {
            if (inputs.get(name) instanceof String value) {
                values.add(value);
            }
        }
        return values;
    }

    /** What to say about this run in a log line: never the inputs. */
    @Override
    public String toString() {
        return action + " " + module + "@" + version + " (run " + runId + ")";
    }
}
