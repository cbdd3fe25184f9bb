package io.labctl.apps.support.testing;

import com.pulumi.Context;
import com.pulumi.core.Output;
import com.google.protobuf.Value;
import com.pulumi.resources.Resource;
import com.pulumi.test.Mocks;
import com.pulumi.test.internal.MockMonitor;
import com.pulumi.test.PulumiTest;
import com.pulumi.test.TestOptions;
import com.pulumi.test.TestResult;
import com.pulumi.test.internal.PulumiTestInternal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Runs an app's program under the Pulumi SDK's own test harness, without an engine: the mocks stand in for the
 * Kubernetes provider (each resource "created" echoes its inputs as its state) and record what the program
 * declared. The stack config is given the way labd gives it, keyed {@code <project>:<input>}, with secret keys
 * marked; the public {@code PulumiTest} API has no config, so this uses the SDK's {@code PulumiTestInternal} builder.
 */
public final class ProgramRun {
    /** The engine's mark of a secret value on the wire (Pulumi's "secret signature"). */
    private static final String SIG_KEY = "4dabf18193072939515e22adb298388d";
    private static final String SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

    private final List<Mocks.ResourceArgs> declared;
    private final Map<String, Set<String>> secretProperties;
    private final TestResult result;

    private ProgramRun(List<Mocks.ResourceArgs> declared, Map<String, Set<String>> secretProperties,
            TestResult result) {
        this.declared = declared;
        this.secretProperties = secretProperties;
        this.result = result;
    }

    /** Runs {@code program} as project {@code project} with {@code config} (input name to text), secrets marked. */
    public static ProgramRun run(String project, Map<String, String> config, Set<String> secretInputs,
            Consumer<Context> program) {
        List<Mocks.ResourceArgs> declared = Collections.synchronizedList(new ArrayList<>());
        Mocks mocks = args -> {
            declared.add(args);
            return CompletableFuture.completedFuture(Mocks.ResourceResult.of(Optional.of(args.name + "-id"),
                    args.inputs));
        };
        Map<String, String> keyed = new LinkedHashMap<>();
        config.forEach((k, v) -> keyed.put(project + ":" + k, v));
        Set<String> secretKeys = new java.util.HashSet<>();
        secretInputs.stream().filter(config::containsKey).forEach(k -> secretKeys.add(project + ":" + k));
        // the mocks see secrets unwrapped; what the program sent the engine is read off the wire instead
        Map<String, Set<String>> secretProperties = new java.util.concurrent.ConcurrentHashMap<>();
        // a program's failure is asserted through error(); the SDK would also print it with its stack trace
        java.util.logging.Logger quiet = java.util.logging.Logger.getAnonymousLogger();
        quiet.setUseParentHandlers(false);
        quiet.setLevel(java.util.logging.Level.OFF);
        try {
            TestResult result = PulumiTestInternal.builder()
                    .options(TestOptions.builder().projectName(project).stackName("test").build())
                    .mocks(mocks)
                    .standardLogger(quiet)
                    .config(keyed, secretKeys)
                    .monitorDecorator(plain -> new MockMonitor(mocks, PulumiTestInternal.mockLog()) {
                        @Override
                        public CompletableFuture<pulumirpc.Resource.RegisterResourceResponse> registerResourceAsync(
                                Resource resource, pulumirpc.Resource.RegisterResourceRequest request) {
                            Set<String> secret = new java.util.TreeSet<>();
                            request.getObject().getFieldsMap().forEach((k, v) -> {
                                if (holdsSecret(v)) {
                                    secret.add(k);
                                }
                            });
                            secretProperties.put(request.getType() + " " + request.getName(), secret);
                            return super.registerResourceAsync(resource, request);
                        }
                    })
                    .build()
                    .runTest(program);
            return new ProgramRun(List.copyOf(declared), Map.copyOf(secretProperties), result);
        } finally {
            PulumiTest.cleanup();
        }
    }

    private static boolean holdsSecret(Value v) {
        if (v.hasStructValue()) {
            Map<String, Value> fields = v.getStructValue().getFieldsMap();
            Value sig = fields.get(SIG_KEY);
            if (sig != null && SECRET_SIG.equals(sig.getStringValue())) {
                return true;
            }
            return fields.values().stream().anyMatch(ProgramRun::holdsSecret);
        }
        return v.hasListValue() && v.getListValue().getValuesList().stream().anyMatch(ProgramRun::holdsSecret);
    }

    /** The top-level properties of a resource that the program sent as secrets (or that hold one inside). */
    public Set<String> secretProperties(String type, String name) {
        resource(type, name);
        return secretProperties.getOrDefault(type + " " + name, Set.of());
    }

    public TestResult result() {
        return result;
    }

    /** Every resource the program declared, in order. */
    public List<Mocks.ResourceArgs> resources() {
        return declared;
    }

    /** The one resource of {@code type} (e.g. {@code kubernetes:apps/v1:StatefulSet}) named {@code name}. */
    public Mocks.ResourceArgs resource(String type, String name) {
        return declared.stream().filter(r -> r.type.equals(type) && r.name.equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " named " + name + "; declared: "
                        + declared.stream().map(r -> r.type + " " + r.name).toList()));
    }

    /** Its resources' types and names, "type name". */
    public List<String> typesAndNames() {
        return declared.stream().map(r -> r.type + " " + r.name).toList();
    }

    /** The value of stack output {@code name}. */
    public Object output(String name) {
        Output<?> out = outputOrFail(name);
        return PulumiTestInternal.extractOutputData(out).getValueNullable();
    }

    /** Whether stack output {@code name} is secret. */
    public boolean outputIsSecret(String name) {
        return PulumiTestInternal.extractOutputData(outputOrFail(name)).isSecret();
    }

    /** The message of the first error the program raised, or null when it ran clean. */
    public String error() {
        if (!result.exceptions().isEmpty()) {
            Throwable t = result.exceptions().get(0);
            while (t.getCause() != null && t.getMessage() != null && t.getCause().getMessage() != null
                    && t.getMessage().contains(t.getCause().getMessage())) {
                t = t.getCause();
            }
            return t.getMessage();
        }
        return result.errors().isEmpty() ? null : result.errors().get(0);
    }

    private Output<?> outputOrFail(String name) {
        Output<?> out = result.outputs().get(name);
        if (out == null) {
            throw new AssertionError("no stack output " + name + "; outputs: " + result.outputs().keySet());
        }
        return out;
    }

    /** The value at {@code path} (keys of nested maps, indexes of lists) in a resource's inputs. */
    public static Object at(Mocks.ResourceArgs resource, Object... path) {
        Object cur = resource.inputs;
        for (Object p : path) {
            if (p instanceof Integer i && cur instanceof List<?> l) {
                cur = i < l.size() ? l.get(i) : null;
            } else if (cur instanceof Map<?, ?> m) {
                cur = m.get(p);
            } else {
                throw new AssertionError("no " + p + " under " + cur + " in " + resource.type + " " + resource.name);
            }
            if (cur == null) {
                throw new AssertionError("no value at " + java.util.Arrays.toString(path) + " in " + resource.type
                        + " " + resource.name + ": " + resource.inputs);
            }
        }
        return cur;
    }
}
