package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.render.Formats;
import io.labctl.cli.render.RunPrinter;
import io.labctl.protocol.pulumi.PulumiRun;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * A verb whose work is a run of labd's Pulumi engine (plan, apply, destroy, and the apps' verbs): it follows the
 * started run to its end (Ctrl-C cancels it), says how it ended, asks before a change when it must, and prints the
 * ended record with -o. One place for all of them, so the verbs read and end alike.
 */
abstract class EngineVerb extends LabdCommand {
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
            description = "json or yaml: the run's record on stdout at the end (the engine's output goes to stderr).")
    String output;

    EngineVerb(Cli cli) {
        super(cli);
    }

    /** Follows a run labd has started to its end, the engine's output on the log; what says what the run does. */
    PulumiRun follow(PulumiRun started, String what) {
        log().println("Run " + started.id() + ": " + what + " (labctl logs pulumi/" + started.id() + ")");
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

    /** A run's end in words, on the log: Plan: or Done: and the changes (and a done run's outputs), or the failure. */
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

    /** Says the question was declined; the exit code of a declined change. */
    int declined(String verb) {
        cli.err().println(verb + " declined: nothing was changed.");
        cli.err().flush();
        return DECLINED;
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
