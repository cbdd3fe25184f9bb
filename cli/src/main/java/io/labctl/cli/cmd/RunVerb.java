package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.render.Formats;
import io.labctl.cli.render.RunPrinter;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Names;
import io.labctl.protocol.pulumi.PulumiRun;
import io.labctl.protocol.pulumi.RunRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * {@code labctl plan|apply|destroy -f FILE --env ENV}: a Pulumi YAML program run by labd's engine against the
 * environment's stack. The engine's output streams as it comes; Ctrl-C cancels the run. apply and destroy show what
 * they would change and ask first, unless {@code --yes}.
 */
abstract class RunVerb extends LabdCommand {
    @Option(names = {"-f", "--file"}, paramLabel = "FILE", required = true,
            description = "The Pulumi YAML program (Pulumi.yaml: name, runtime: yaml, resources, outputs).")
    Path file;

    @Option(names = "--env", paramLabel = "ENV", required = true,
            description = "The environment the program runs in: its stack is PROJECT/ENV.")
    String environment;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
            description = "json or yaml: the run's record on stdout at the end (the engine's output goes to stderr).")
    String output;

    RunVerb(Cli cli) {
        super(cli);
    }

    /** Reads and checks the program file here, so a mistake is a usage error and nothing is sent. */
    RunRequest request(String kind) {
        try {
            Names.require("env", environment);
        } catch (InvalidInput e) {
            throw usage(e.asFlag());
        }
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

    /** Starts a run and follows it to its end; the engine's output on stdout, or stderr with -o. */
    PulumiRun run(RunRequest request) {
        PulumiRun started = client().post(PulumiRun.PATH, request, PulumiRun.class);
        log().println("Run " + started.id() + ": " + started.kind() + " of stack " + started.stack() + " (labctl logs"
                + " pulumi/" + started.id() + ")");
        log().flush();
        return PulumiRuns.follow(cli, client(), started.id(), log(), true);
    }

    /** Where the engine's output goes: stdout, unless stdout carries the record (-o). */
    PrintWriter log() {
        return format() == null ? cli.out() : cli.err();
    }

    String format() {
        return output(output, Set.of("json", "yaml"));
    }

    /** The end of the command: the record with -o, else the run's summary in words; the exit code of its end. */
    int finish(List<PulumiRun> runs) {
        PulumiRun last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
        String format = format();
        if (format != null) {
            Object value = runs.size() == 1 ? runs.get(0) : runs;
            print("json".equals(format) ? Formats.json(value) : Formats.yaml(value));
        }
        return PulumiRuns.exitCode(last);
    }

    /** A plan run's end in words, on the log. */
    void summarize(PulumiRun run) {
        if (run == null) {
            return;
        }
        PrintWriter out = log();
        if (PulumiRun.SUCCEEDED.equals(run.status())) {
            out.println((run.planned() ? "Plan: " : "Done: ") + RunPrinter.summary(run) + ".");
            if (run.outputs() != null && !run.outputs().isEmpty() && !run.planned()) {
                out.println("Outputs:");
                run.outputs().forEach((k, v) -> out.println("  " + k + ": " + v));
            }
        } else {
            out.println("Run " + run.id() + " " + run.status() + (run.error() == null ? "" : ": " + run.error()));
        }
        out.flush();
    }

    /** Refuses up front when no one can answer the question and --yes was not given. */
    void requireAnswerable(boolean yes, String verb) {
        if (!yes && !cli.stdio().stdinIsTerminal().getAsBoolean()) {
            throw usage(verb + " asks before it changes anything, and stdin is not a terminal: run it in one, or"
                    + " pass --yes");
        }
    }

    /** Asks on the terminal; only "yes" agrees. */
    boolean confirm(String question) {
        PrintWriter err = cli.err();
        err.print(question + " Only 'yes' is accepted: ");
        err.flush();
        try {
            String answer = new BufferedReader(new InputStreamReader(cli.stdio().in(), StandardCharsets.UTF_8))
                    .readLine();
            return answer != null && answer.strip().equals("yes");
        } catch (IOException e) {
            return false;
        }
    }

    static List<PulumiRun> list(PulumiRun... runs) {
        List<PulumiRun> out = new ArrayList<>();
        for (PulumiRun r : runs) {
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    static final int DECLINED = ExitCodes.REFUSED;
}
