package io.labctl.modules.support;

import io.labctl.module.ModuleException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text of a Karaf {@code etc/*.cfg} file, the way labd and lab-agent read their configuration: one
 * {@code key = value} per line under a comment saying who wrote it. Keys keep their insertion order so the file is
 * the same bytes on every apply (and so unchanged on the second).
 */
public final class KarafConfig {
    private final String header;
    private final Map<String, String> values = new LinkedHashMap<>();

    public KarafConfig(String header) {
        this.header = header;
    }

    /** Adds the key; a null or empty value leaves it out (the component's default then applies). */
    public KarafConfig set(String key, String value) throws ModuleException {
        if (value == null || value.isEmpty()) {
            return this;
        }
        values.put(key, escape(key, value));
        return this;
    }

    public KarafConfig set(String key, long value) throws ModuleException {
        return set(key, Long.toString(value));
    }

    public String render() {
        StringBuilder text = new StringBuilder();
        for (String line : header.split("\n")) {
            text.append("# ").append(line).append('\n');
        }
        values.forEach((key, value) -> text.append(key).append(" = ").append(value).append('\n'));
        return text.toString();
    }

    /**
     * Backslashes are escapes in a .cfg file; a line break or a {@code ${...}} (which Karaf would substitute) cannot
     * be written faithfully, so they are refused rather than written as something else.
     */
    private static String escape(String key, String value) throws ModuleException {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new ModuleException("input for '" + key + "' has a line break: give it on one line");
        }
        if (value.contains("${")) {
            throw new ModuleException("input for '" + key + "' contains '${', which Karaf would substitute:"
                    + " give the value without it");
        }
        return value.strip().equals(value) ? value.replace("\\", "\\\\") : refuseSpaces(key);
    }

    private static String refuseSpaces(String key) throws ModuleException {
        throw new ModuleException("input for '" + key + "' starts or ends with spaces: give it without them");
    }
}
