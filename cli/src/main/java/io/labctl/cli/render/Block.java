package io.labctl.cli.render;

import java.util.ArrayList;
import java.util.List;

/** A kubectl-describe-like block: keys padded to one column, multi-value keys continued under the value column. */
final class Block {
    private final List<String[]> lines = new ArrayList<>();

    void put(String key, String value) {
        lines.add(new String[] {key + ":", value == null || value.isEmpty() ? "<none>" : Table.clean(value)});
    }

    void list(String key, List<String> values) {
        if (values == null || values.isEmpty()) {
            put(key, null);
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            lines.add(new String[] {i == 0 ? key + ":" : "", Table.clean(values.get(i))});
        }
    }

    void section(String title) {
        lines.add(new String[] {title + ":", null});
    }

    void raw(String text) {
        lines.add(new String[] {text, null});
    }

    /** Every line of an already rendered text (a table), indented; it does not take part in the key column. */
    void indented(String text, String indent) {
        for (String l : text.split("\n")) {
            raw(indent + l);
        }
    }

    String render() {
        int width = 0;
        for (String[] l : lines) {
            if (l[1] != null) {
                width = Math.max(width, l[0].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] l : lines) {
            if (l[1] == null) {
                sb.append(l[0]).append('\n');
            } else {
                sb.append(l[0]).append(" ".repeat(width - l[0].length() + 2)).append(l[1]).append('\n');
            }
        }
        return sb.toString();
    }
}
