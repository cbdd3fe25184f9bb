package io.labctl.cli.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * ~/.labctl/config.yaml, kubeconfig-like:
 * <pre>
 * current-context: quickstart
 * contexts:
 * - name: quickstart
 *   server: https://127.0.0.1:8443
 *   user: admin
 *   caCertificate: |
 *     -----BEGIN CERTIFICATE-----
 *   certificate: |
 *   privateKey: |
 * </pre>
 * Immutable: every change returns a new config.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"current-context", "contexts"})
public record LabctlConfig(@JsonProperty("current-context") String currentContext, List<ContextEntry> contexts) {

    public LabctlConfig {
        contexts = contexts == null ? List.of() : List.copyOf(contexts);
    }

    public static LabctlConfig empty() {
        return new LabctlConfig(null, List.of());
    }

    public Optional<ContextEntry> find(String name) {
        return contexts.stream().filter(c -> c.name() != null && c.name().equals(name)).findFirst();
    }

    /** Adds the context, or replaces the one with the same name in its place; every other context is kept. */
    public LabctlConfig withContext(ContextEntry entry) {
        List<ContextEntry> out = new ArrayList<>(contexts);
        boolean replaced = false;
        for (int i = 0; i < out.size(); i++) {
            if (entry.name().equals(out.get(i).name())) {
                out.set(i, entry);
                replaced = true;
            }
        }
        if (!replaced) {
            out.add(entry);
        }
        return new LabctlConfig(currentContext, out);
    }

    public LabctlConfig withCurrent(String name) {
        return new LabctlConfig(name, contexts);
    }

    public LabctlConfig without(String name) {
        List<ContextEntry> out = contexts.stream().filter(c -> !name.equals(c.name())).toList();
        return new LabctlConfig(name.equals(currentContext) ? null : currentContext, out);
    }
}
