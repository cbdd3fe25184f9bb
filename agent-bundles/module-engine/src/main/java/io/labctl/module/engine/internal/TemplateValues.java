package io.labctl.module.engine.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.labctl.module.Facts;
import io.labctl.module.Inputs;
import io.labctl.module.ModuleContext;

/**
 * Fills a file template's {@code {{name}}} placeholders from the module's facts and inputs. Deliberately tiny and
 * strict rather than a template language: configuration files need values put in, not logic, and a placeholder that
 * names nothing fails the resource instead of leaving an empty value in a config file.
 */
public final class TemplateValues {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_.-]*)\\s*}}");

    private final ModuleContext context;

    /** @param context the module's context; null when the engine was made without one (templates then fail) */
    public TemplateValues(ModuleContext context) {
        this.context = context;
    }

    /** A rendered template; sensitive when a secret input went into it. */
    public record Rendered(String text, boolean sensitive) {}

    public Rendered render(String template, String resourceId) throws IOException {
        if (context == null) {
            throw new IOException("the template of " + resourceId + " needs the module's facts and inputs: "
                    + "make the engine with new Engine(host, context)");
        }
        Map<String, String> facts = facts();
        Inputs inputs = context.inputs();
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        boolean sensitive = false;
        while (m.find()) {
            String name = m.group(1);
            String value;
            // an input shadows a fact of the same name: the module's author declared it
            if (inputs.has(name)) {
                if (inputs.isSecret(name)) {
                    value = inputs.secret(name).reveal();
                    sensitive = true;
                } else {
                    value = inputs.string(name);
                }
            } else if (facts.containsKey(name)) {
                value = facts.get(name);
            } else {
                throw new IOException("the template of " + resourceId + " uses {{" + name + "}}, which is neither "
                        + "an input of the module nor a fact (facts: " + String.join(", ", new TreeSet<>(facts.keySet()))
                        + ")");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return new Rendered(out.toString(), sensitive);
    }

    private Map<String, String> facts() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("server", context.server());
        Facts facts = context.facts();
        if (facts != null) {
            values.put("hostname", facts.hostname());
            values.put("os", facts.os());
            values.put("osVersion", facts.osVersion());
            values.put("arch", facts.arch());
            values.put("kernel", facts.kernel());
            values.put("cpus", Integer.toString(facts.cpus()));
            values.put("memoryBytes", Long.toString(facts.memoryBytes()));
        }
        values.values().removeIf(v -> v == null);
        return values;
    }
}
