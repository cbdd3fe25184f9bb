package io.labctl.module.engine;

import io.labctl.module.Inputs;
import io.labctl.module.Secret;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run's inputs as the module reads them: the typed values labd validated (String, Long, Boolean, List of String);
 * a secret input comes wrapped in a {@link Secret} from {@link #secret}. A getter of the wrong type names the input
 * and its type, so a module bug reads as one. lab-agent builds it from a run's request, the test kit from a test's
 * inputs: a module sees the same behaviour in both.
 */
public final class ValueInputs implements Inputs {
    private final Map<String, Object> values;
    private final Set<String> secrets;

    /**
     * @param values  each input's value: a String, Long, Boolean or List of Strings (a secret's value as a String)
     * @param secrets the names of the inputs declared {@code secret: true}
     */
    public ValueInputs(Map<String, Object> values, Set<String> secrets) {
        this.values = Map.copyOf(values);
        this.secrets = Set.copyOf(secrets);
    }

    @Override
    public boolean has(String name) {
        return values.containsKey(name);
    }

    @Override
    public String string(String name) {
        Object value = value(name);
        return value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                : String.valueOf(value);
    }

    @Override
    public long integer(String name) {
        if (value(name) instanceof Long number) {
            return number;
        }
        throw wrongType(name, "an integer");
    }

    @Override
    public boolean bool(String name) {
        if (value(name) instanceof Boolean flag) {
            return flag;
        }
        throw wrongType(name, "a boolean");
    }

    @Override
    public List<String> list(String name) {
        Object value = value(name);
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        throw wrongType(name, "a list");
    }

    @Override
    public Secret secret(String name) {
        if (value(name) instanceof String text) {
            return new Secret(text);
        }
        throw wrongType(name, "a secret (string)");
    }

    @Override
    public boolean isSecret(String name) {
        return secrets.contains(name);
    }

    private Object value(String name) {
        Object value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("the module has no input named '" + name + "' in this run (inputs: "
                    + values.keySet().stream().sorted().toList() + ")");
        }
        return value;
    }

    private IllegalArgumentException wrongType(String name, String wanted) {
        Object value = values.get(name);
        return new IllegalArgumentException("input '" + name + "' is not " + wanted + " but a "
                + typeName(value) + ": check its type in module.yaml");
    }

    private static String typeName(Object value) {
        if (value instanceof Long) {
            return "integer";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof List<?>) {
            return "list";
        }
        return "string";
    }
}
