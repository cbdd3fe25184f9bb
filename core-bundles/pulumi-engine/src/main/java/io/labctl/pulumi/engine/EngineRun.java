package io.labctl.pulumi.engine;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * One operation on one stack.
 *
 * @param operation   preview, up or destroy
 * @param project     the program's project name (the {@code name:} of its Pulumi.yaml)
 * @param stack       the stack's name (labd uses the environment's name)
 * @param programDir  a folder holding the program (Pulumi.yaml); the engine may write its stack settings there
 * @param backendUrl  where stack state lives ({@code file:///...} by default), never Pulumi Cloud
 * @param passphrase  the stack's secrets passphrase; handed to the engine in its environment, never on a command line
 * @param config      the stack's configuration, key to value
 * @param secretKeys  the configuration keys whose values are secret
 * @param environment further environment for the engine (provider credentials), may be empty
 */
public record EngineRun(Operation operation, String project, String stack, Path programDir, String backendUrl,
                        String passphrase, Map<String, String> config, Set<String> secretKeys,
                        Map<String, String> environment) {
    public EngineRun {
        config = Map.copyOf(config);
        secretKeys = Set.copyOf(secretKeys);
        environment = Map.copyOf(environment);
    }

    @Override
    public String toString() {
        // the passphrase and secret values stay out of logs
        return "EngineRun[" + operation + " " + project + "/" + stack + " in " + programDir + "]";
    }
}
