package io.labctl.modules.support;

import java.util.List;

/** A flat YAML map (scalars and lists of scalars), every value double-quoted so no input can change its structure. */
public final class YamlText {
    private final StringBuilder text;

    public YamlText(String comment) {
        text = new StringBuilder("# ").append(comment).append('\n');
    }

    public YamlText scalar(String key, String value) {
        if (value != null && !value.isEmpty()) {
            text.append(key).append(": ").append(quote(value)).append('\n');
        }
        return this;
    }

    /** Written only when true (k3s's flags default to false). */
    public YamlText flag(String key, boolean value) {
        if (value) {
            text.append(key).append(": true\n");
        }
        return this;
    }

    /** An empty list is left out (k3s's default applies). */
    public YamlText list(String key, List<String> values) {
        if (!values.isEmpty()) {
            text.append(key).append(":\n");
            values.forEach(v -> text.append("  - ").append(quote(v)).append('\n'));
        }
        return this;
    }

    public String render() {
        return text.toString();
    }

    static String quote(String value) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format("\\x%02x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
