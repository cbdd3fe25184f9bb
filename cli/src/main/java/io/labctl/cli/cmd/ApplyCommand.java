package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.protocol.pulumi.PulumiRun;
import io.labctl.protocol.pulumi.RunRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "apply", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Bring an environment to what a Pulumi YAML program declares.", "",
                "First a plan (as 'labctl plan'), then, when it would change something, the question whether to",
                "apply it (only 'yes' applies; --yes skips the question, for scripts), then the update. Both runs",
                "are recorded and audited. Needs apply on the whole environment. Ctrl-C cancels the running run",
                "(exit 130). Exit 0 when applied or nothing to change, 1 when a run failed or you declined.", "",
                "Examples:",
                "  labctl apply -f web.yaml --env lab",
                "  labctl apply -f web.yaml --env lab --yes -o json"})
public final class ApplyCommand extends RunVerb {
    @Option(names = "--yes", description = "Apply without asking (after the plan is shown).")
    boolean yes;

    ApplyCommand(Cli cli) {
        super(cli);
    }

    @Override
    public Integer call() {
        RunRequest plan = request(PulumiRun.PLAN);
        requireAnswerable(yes, "apply");
        PulumiRun planned = run(plan);
        summarize(planned);
        if (planned == null || !PulumiRun.SUCCEEDED.equals(planned.status())) {
            return finish(list(planned));
        }
        if (planned.changed() == 0) {
            log().println("No changes: stack " + planned.stack() + " is as the program declares.");
            log().flush();
            return finish(list(planned));
        }
        if (!yes && !confirm("Apply these changes to stack " + planned.stack() + "?")) {
            return declined("Apply");
        }
        PulumiRun applied = run(request(PulumiRun.APPLY));
        summarize(applied);
        return finish(list(planned, applied));
    }
}
