package io.labctl.cli.render;

import io.labctl.protocol.Json;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Shared bits of output: -o json / -o yaml through the one mapper, label maps as k=v lists. */
public final class Formats {
    private Formats() {}

    public static String json(Object value) {
        try {
            return Json.json().writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String yaml(Object value) {
        try {
            return Json.yaml().writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code a=1,b=2}, sorted by key; empty string for none. */
    public static String labels(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return "";
        }
        return new TreeMap<>(labels).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    public static String orNone(String s) {
        return s == null || s.isEmpty() ? "<none>" : s;
    }
}
