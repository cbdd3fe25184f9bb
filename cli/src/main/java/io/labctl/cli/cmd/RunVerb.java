package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.protocol.Names;
import io.labctl.protocol.pulumi.PulumiRun;
import io.labctl.protocol.pulumi.RunRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code labctl plan|apply|destroy -f FILE --env ENV}: a Pulumi YAML program run by labd's engine against the
 * environment's stack. The engine's output streams as it comes; Ctrl-C cancels the run. apply and destroy show what
 * they would change and ask first, unless {@code --yes}.
 */
abstract class RunVerb extends EngineVerb {
    @Option(names = {"-f", "--file"}, paramLabel = "FILE", required = true,
            description = "The Pulumi YAML program (Pulumi.yaml: name, runtime: yaml, resources, outputs).")
    Path file;

    @Option(names = "--env", paramLabel = "ENV", required = true,
            description = "The environment the program runs in: its stack is PROJECT/ENV.")
    String environment;

    RunVerb(Cli cli) {
        super(cli);
    }

    /** Reads and checks the program file here, so a mistake is a usage error and nothing is sent. */
    RunRequest request(String kind) {
        requireEnv(environment);
        Path f = cli.resolve(file);
        byte[] bytes;
        try {
            if (Files.size(f) > RunRequest.MAX_PROGRAM_BYTES) {
                throw usage(file + " is larger than " + RunRequest.MAX_PROGRAM_BYTES + " bytes; split the program");
            }
            bytes = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            throw usage("-f " + file + ": no such file");
        } catch (IOException e) {
            throw usage("-f " + file + ": cannot be read: " + e.getMessage());
        }
        return new RunRequest(kind, environment, new String(bytes, StandardCharsets.UTF_8),
                f.getFileName().toString());
    }

    /** Starts the program's run and follows it to its end; the engine's output on stdout, or stderr with -o. */
    PulumiRun run(RunRequest request) {
        PulumiRun started = client().post(PulumiRun.PATH, request, PulumiRun.class);
        return follow(started, started.kind() + " of stack " + started.stack());
    }
}
