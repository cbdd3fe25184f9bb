package io.labctl.bastion.install;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Minimal renderer for resource templates.
 *
 * <p>Rules: a placeholder is {@code ${name}} where name matches {@code [a-z][A-Za-z0-9]*} (lower-case
 * first letter). Every placeholder must be bound and every binding must be used, otherwise rendering
 * fails. Anything else is copied verbatim, so shell expansions such as {@code ${ROOT:-/}} or
 * {@code ${#x}} stay as they are (templates use upper-case shell variable names). {@code $${}
 * renders a literal {@code ${}. Values are inserted verbatim: <b>no escaping</b> is done, callers pass
 * only values validated by {@link Validation} (or generated from them).
 */
final class Template {
    private static final Pattern TOKEN = Pattern.compile("\\$\\$\\{|\\$\\{([a-z][A-Za-z0-9]*)\\}");

    private final String name;
    private final String text;

    private Template(String name, String text) {
        this.name = name;
        this.text = text;
    }

    static Template of(String name, String text) {
        return new Template(name, text);
    }

    /** Loads a template resource next to this class. */
    static Template resource(String resourceName) {
        try (InputStream in = Template.class.getResourceAsStream(resourceName)) {
            if (in == null) {
                throw new IllegalStateException("template resource not found: " + resourceName);
            }
            return new Template(resourceName, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String render(Map<String, String> values) {
        Set<String> used = new HashSet<>();
        Matcher m = TOKEN.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 256);
        int last = 0;
        while (m.find()) {
            out.append(text, last, m.start());
            if (m.group(1) == null) {
                out.append("${");
            } else {
                String key = m.group(1);
                String v = values.get(key);
                if (v == null) {
                    throw new IllegalStateException("template " + name + ": no value for ${" + key + "}");
                }
                used.add(key);
                out.append(v);
            }
            last = m.end();
        }
        out.append(text, last, text.length());
        Set<String> unused = new HashSet<>(values.keySet());
        unused.removeAll(used);
        if (!unused.isEmpty()) {
            throw new IllegalStateException("template " + name + ": unused values " + unused);
        }
        return out.toString();
    }
}
