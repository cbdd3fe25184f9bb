package io.labctl.apps.support;

import com.pulumi.Context;
import com.pulumi.core.Output;
import com.pulumi.kubernetes.core.v1.Namespace;
import com.pulumi.kubernetes.core.v1.NamespaceArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.resources.CustomResourceOptions;
import io.labctl.protocol.apps.AppDescriptor;
import io.labctl.protocol.apps.AppInputs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What an app's program knows about itself: its {@code app.yaml}, its typed inputs and the labels every resource it
 * creates carries. An input's value is, first found: the stack config (what labd sets from {@code --set} and
 * {@code -f}), the app's {@code values.yaml}, the input's {@code default} in app.yaml. All inputs are resolved when
 * the program starts, so one message names every missing or mistyped input before any resource is declared.
 */
public final class App {
    public static final String APP_YAML = AppDescriptor.APP_YAML;
    public static final String VALUES_YAML = AppDescriptor.VALUES_YAML;

    private final AppDescriptor descriptor;
    private final Map<String, Object> values;

    private App(AppDescriptor descriptor, Map<String, Object> values) {
        this.descriptor = descriptor;
        this.values = values;
    }

    /**
     * The app whose {@code app.yaml} and {@code values.yaml} sit beside {@code program} (read through its class
     * loader, so each app bundle reads its own), with inputs from the stack config of {@code ctx}.
     */
    public static App load(Context ctx, Class<?> program) {
        AppDescriptor descriptor = AppDescriptor.parse(file(program, APP_YAML));
        byte[] valuesYaml = file(program, VALUES_YAML);
        Map<String, Object> values = AppDescriptor.parseValues(valuesYaml);
        return resolve(descriptor, values, ctx.config()::get);
    }

    /** The inputs of {@code descriptor} from {@code config} (by input name), then {@code values}, then defaults. */
    public static App resolve(AppDescriptor descriptor, Map<String, Object> values,
            Function<String, Optional<String>> config) {
        AppInputs.Resolved resolved = AppInputs.resolve(descriptor, values, config::apply);
        if (!resolved.ok()) {
            throw new IllegalArgumentException("app " + descriptor.name() + ": " + String.join("; ", resolved.problems()));
        }
        return new App(descriptor, resolved.values());
    }

    public String name() {
        return descriptor.name();
    }

    public String version() {
        return descriptor.version();
    }

    public AppDescriptor descriptor() {
        return descriptor;
    }

    /** A string input; an optional one without value is "". */
    public String string(String input) {
        Object v = value(input, AppDescriptor.STRING, false);
        return v == null ? "" : (String) v;
    }

    /** An integer input (declared with a default or required, so it has a value). */
    public int integer(String input) {
        Object v = value(input, AppDescriptor.INTEGER, false);
        if (v == null) {
            throw new IllegalStateException("integer input " + input + " of app " + name() + " has no value:"
                    + " give it a default in app.yaml");
        }
        return (Integer) v;
    }

    /** A boolean input; an optional one without value is false. */
    public boolean flag(String input) {
        Object v = value(input, AppDescriptor.BOOLEAN, false);
        return v != null && (Boolean) v;
    }

    /** An object input; an optional one without value is empty. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> object(String input) {
        Object v = value(input, AppDescriptor.OBJECT, false);
        return v == null ? Map.of() : (Map<String, Object>) v;
    }

    /** An object input whose values are all text (a node selector, extra labels), as strings. */
    public Map<String, String> stringMap(String input) {
        Map<String, String> out = new LinkedHashMap<>();
        object(input).forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    /** A secret input, as a secret output: the engine keeps it encrypted in state and masks it in its output. */
    public Output<String> secret(String input) {
        Object v = value(input, AppDescriptor.STRING, true);
        return Output.ofSecret(v == null ? "" : (String) v);
    }

    /**
     * A secret input whose value must follow {@code rule}: refused with a message naming the input and the rule,
     * never the value.
     */
    public Output<String> secret(String input, java.util.function.Predicate<String> valid, String rule) {
        Object v = value(input, AppDescriptor.STRING, true);
        if (v != null && !valid.test((String) v)) {
            throw new IllegalArgumentException("app " + name() + ": input " + input + " " + rule);
        }
        return secret(input);
    }

    /** The labels every resource of the app carries. */
    public Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>(selectorLabels());
        labels.put("app.kubernetes.io/version", version());
        labels.put("app.kubernetes.io/managed-by", "labctl");
        return labels;
    }

    /**
     * The labels a workload selects its pods by: the name only, because a StatefulSet's or DaemonSet's selector
     * cannot change after creation and the version changes with every upgrade.
     */
    public Map<String, String> selectorLabels() {
        return Map.of("app.kubernetes.io/name", name());
    }

    /** Metadata with the app's labels; {@code namespace} null for cluster-wide objects. */
    public ObjectMetaArgs meta(String objectName, String namespace) {
        ObjectMetaArgs.Builder b = ObjectMetaArgs.builder().name(objectName).labels(labels());
        if (namespace != null) {
            b.namespace(namespace);
        }
        return b.build();
    }

    /**
     * Options for the app's namespaced resources. When {@code create}, the app owns namespace {@code ns} (declared
     * here, removed on uninstall) and its resources wait for it; otherwise the namespace must exist (one shared by
     * several apps, or kube-system).
     */
    public CustomResourceOptions namespace(String ns, boolean create) {
        if (!create) {
            return CustomResourceOptions.Empty;
        }
        Namespace namespace = new Namespace(ns, NamespaceArgs.builder().metadata(meta(ns, null)).build());
        return CustomResourceOptions.builder().dependsOn(namespace).build();
    }

    private Object value(String input, String type, boolean secret) {
        AppDescriptor.Input spec = descriptor.inputs().get(input);
        // a program asking for an input its app.yaml does not declare (or declares otherwise) is a bug in the app
        if (spec == null) {
            throw new IllegalStateException("app " + name() + " reads input " + input + ", which app.yaml does not"
                    + " declare");
        }
        if (!spec.type().equals(type) || spec.secret() != secret) {
            throw new IllegalStateException("app " + name() + " reads input " + input + " as " + (secret ? "secret "
                    : "") + type + ", but app.yaml declares it " + (spec.secret() ? "secret " : "") + spec.type());
        }
        return values.get(input);
    }

    /**
     * The file {@code path} of the program's own jar (or classes folder). Where several apps share one class path
     * (tests, a flat runtime), the class loader sees several {@code app/app.yaml}: the one beside the program's class
     * is taken, never just the first.
     */
    public static byte[] file(Class<?> program, String path) {
        try {
            List<URL> found = Collections.list(program.getClassLoader().getResources(path));
            if (found.isEmpty()) {
                throw new IllegalStateException("app program " + program.getName() + " has no " + path
                        + " beside it");
            }
            URL chosen = found.get(0);
            if (found.size() > 1) {
                String classFile = program.getName().replace('.', '/') + ".class";
                String self = String.valueOf(program.getClassLoader().getResource(classFile));
                String root = self.substring(0, self.length() - classFile.length());
                chosen = found.stream().filter(u -> u.toString().equals(root + path)).findFirst()
                        .orElseThrow(() -> new IllegalStateException("app program " + program.getName()
                                + " sees several " + path + " (" + found + ") and none beside it in " + root));
            }
            try (InputStream in = chosen.openStream()) {
                return in.readAllBytes();
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + path + " of " + program.getName(), ex);
        }
    }
}
