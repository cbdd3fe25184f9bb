package io.labctl.protocol.modules;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.labctl.protocol.InvalidInput;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A module's {@code module.yaml}: what it is, which servers it may manage, which modules it needs and the inputs it
 * takes. labd reads it from the root of a module's bundle jar when the jar is pushed; the same rules check the
 * inputs of an apply wherever they are given (CLI, labd).
 */
public record ModuleDescriptor(String name, String version, String description, Targets targets,
        List<Dependency> requires, LinkedHashMap<String, InputSpec> inputs) {

    /** Input types a module may declare; their values reach the module as String, Long, Boolean and List of String. */
    public static final String STRING = "string";
    public static final String INTEGER = "integer";
    public static final String BOOLEAN = "boolean";
    public static final String LIST = "list";

    public ModuleDescriptor {
        requires = requires == null ? List.of() : List.copyOf(requires);
        inputs = inputs == null ? new LinkedHashMap<>() : new LinkedHashMap<>(inputs);
    }

    /** Which servers the module may manage: ANDed with an apply's selector. Both parts optional. */
    public record Targets(List<String> roles, String selector) {
        public Targets {
            roles = roles == null ? List.of() : List.copyOf(roles);
        }
    }

    /** Another module that must be assigned to the same server, at a version in the OSGi range {@code version}. */
    public record Dependency(String name, String version) {}

    /** One input: its type, default (JSON {@code default}), description, and whether it is secret or required. */
    public record InputSpec(String type, @JsonProperty("default") Object defaultValue, String description,
            boolean secret, boolean required) {}

    /**
     * The descriptor in {@code yaml}, checked: name, version, targets, requires and inputs. A descriptor that breaks
     * any rule is refused with one {@link InvalidInput} naming every bad field.
     */
    public static ModuleDescriptor parse(byte[] yaml) {
        return DescriptorReader.read(yaml);
    }

    /**
     * The typed values (String, Long, Boolean, List of String) of the inputs {@code given} as text, with the
     * defaults of the inputs not given filled in; inputs without a value or default are left out. Refuses, naming
     * every bad field in one message, unknown names, values that are not of their input's type and missing
     * required inputs.
     */
    public Map<String, Object> validateInputs(Map<String, String> given) {
        return InputValues.validate(this, given == null ? Map.of() : given);
    }

    /** The names of the inputs marked secret: their values are sealed at rest and masked wherever they are shown. */
    public Set<String> secretInputs() {
        Set<String> out = new LinkedHashSet<>();
        inputs.forEach((inputName, spec) -> {
            if (spec.secret()) {
                out.add(inputName);
            }
        });
        return out;
    }
}
