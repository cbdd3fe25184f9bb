package io.labctl.apps.support.testing;

import io.labctl.apps.support.App;
import io.labctl.protocol.apps.AppDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks that an app's {@code app.yaml} and {@code values.yaml} agree: every value names a declared input and has
 * its type, no secret has a value in the file, and every required input without a default either has a value or is
 * named in a comment line {@code # NAME: ...} saying it is given at install.
 */
public final class AppFiles {
    private AppFiles() {}

    /**
     * The problems with the app.yaml and values.yaml beside {@code program}, and with the program's own shape (the
     * class labd's runtime looks for: {@code io.labctl.apps.NAME.NAMEProgram} with a public static
     * {@code define(Context)}); empty when all agree.
     */
    public static List<String> problems(Class<?> program) {
        byte[] appYaml = read(program, App.APP_YAML);
        List<String> problems = new ArrayList<>(problems(appYaml, read(program, App.VALUES_YAML)));
        String name;
        try {
            name = AppDescriptor.parse(appYaml).name();
        } catch (IllegalArgumentException ex) {
            return problems;
        }
        String simple = java.util.Arrays.stream(name.split("-")).map(p -> Character.toUpperCase(p.charAt(0))
                + p.substring(1)).collect(java.util.stream.Collectors.joining()) + "Program";
        String expected = "io.labctl.apps." + name.replace("-", "") + "." + simple;
        if (!program.getName().equals(expected)) {
            problems.add("the program of app " + name + " is " + program.getName() + ": name it " + expected);
        }
        try {
            java.lang.reflect.Method define = program.getMethod("define", com.pulumi.Context.class);
            if (!java.lang.reflect.Modifier.isStatic(define.getModifiers())) {
                problems.add(program.getName() + ".define(Context) must be static");
            }
        } catch (NoSuchMethodException ex) {
            problems.add(program.getName() + " has no public static void define(com.pulumi.Context)");
        }
        return problems;
    }

    public static List<String> problems(byte[] appYaml, byte[] valuesYaml) {
        List<String> problems = new ArrayList<>();
        AppDescriptor d;
        Map<String, Object> values;
        try {
            d = AppDescriptor.parse(appYaml);
            values = AppDescriptor.parseValues(valuesYaml);
        } catch (IllegalArgumentException ex) {
            return List.of(ex.getMessage());
        }
        String text = new String(valuesYaml, StandardCharsets.UTF_8);
        values.forEach((name, value) -> {
            AppDescriptor.Input input = d.inputs().get(name);
            if (input == null) {
                problems.add("values.yaml sets " + name + ", which app.yaml does not declare as an input");
            } else if (input.secret() && value != null) {
                problems.add("values.yaml sets secret input " + name + ": a secret comes with the install only");
            } else if (value != null && value.equals(input.defaultValue())) {
                problems.add("values.yaml repeats the default of " + name + ": keep defaults in app.yaml only, so"
                        + " the two cannot drift apart");
            }
        });
        d.inputs().forEach((name, input) -> {
            boolean hasValue = values.get(name) != null;
            if (input.required() && input.defaultValue() == null && !hasValue
                    && !Pattern.compile("(?m)^#\\s*" + Pattern.quote(name) + ":").matcher(text).find()) {
                problems.add("required input " + name + " has no default and no value in values.yaml, and values.yaml"
                        + " does not say it is given at install (a comment line '# " + name + ": ...')");
            }
        });
        // the values' types: resolving them (config empty) reports each mistyped value by name
        try {
            App.resolve(d, values, name -> Optional.empty());
        } catch (IllegalArgumentException ex) {
            for (String p : ex.getMessage().substring(ex.getMessage().indexOf(": ") + 2).split("; ")) {
                if (!p.contains("is required")) {
                    problems.add(p);
                }
            }
        }
        return problems;
    }

    private static byte[] read(Class<?> program, String path) {
        return App.file(program, path);
    }
}
