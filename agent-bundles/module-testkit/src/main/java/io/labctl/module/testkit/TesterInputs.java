package io.labctl.module.testkit;

import io.labctl.module.Inputs;
import io.labctl.module.Secret;
import java.util.List;
import java.util.Map;

/** A module's inputs as a test gives them: typed values as labd delivers them validated (String, Long, Boolean, List, Secret). */
final class TesterInputs implements Inputs {
    private final Map<String, Object> values;

    TesterInputs(Map<String, Object> values) {
        this.values = Map.copyOf(values);
    }

    @Override
    public boolean has(String name) {
        return values.containsKey(name);
    }

    @Override
    public String string(String name) {
        Object v = value(name);
        return v instanceof Secret s ? s.reveal() : v.toString();
    }

    @Override
    public long integer(String name) {
        Object v = value(name);
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(v.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("input " + name + " is '" + v + "', not an integer");
        }
    }

    @Override
    public boolean bool(String name) {
        Object v = value(name);
        if (v instanceof Boolean b) {
            return b;
        }
        return switch (v.toString().strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("input " + name + " is '" + v + "', not true or false");
        };
    }

    @Override
    public List<String> list(String name) {
        Object v = value(name);
        if (v instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        throw new IllegalArgumentException("input " + name + " is '" + v + "', not a list: give it as a List");
    }

    @Override
    public Secret secret(String name) {
        Object v = value(name);
        return v instanceof Secret s ? s : new Secret(v.toString());
    }

    @Override
    public boolean isSecret(String name) {
        return value(name) instanceof Secret;
    }

    private Object value(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no input named " + name + " (given: " + String.join(", ", values.keySet().stream().sorted().toList()) + ")");
        }
        return v;
    }
}
