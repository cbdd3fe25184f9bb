package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.protocol.pulumi.PulumiRun;
import io.labctl.protocol.pulumi.RunRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "destroy", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Delete every resource a Pulumi YAML program's stack holds in an environment.", "",
                "First a plan of the destroy (what would be deleted; recorded as a plan-destroy run), then, when it",
                "would delete something, the question (only 'yes' destroys; --yes skips it, for scripts), then the",
                "destroy. Both runs are recorded and audited. Needs destroy on the whole environment. Ctrl-C",
                "cancels the running run (exit 130). Exit 0 when destroyed or nothing to delete, 1 when a run failed",
                "or you declined.", "",
                "Examples:",
                "  labctl destroy -f web.yaml --env lab",
                "  labctl destroy -f web.yaml --env lab --yes"})
public final class DestroyCommand extends RunVerb {
    @Option(names = "--yes", description = "Destroy without asking (after the plan is shown).")
    boolean yes;

    DestroyCommand(Cli cli) {
        super(cli);
    }

    @Override
    public Integer call() {
        RunRequest plan = request(PulumiRun.PLAN_DESTROY);
        requireAnswerable(yes, "destroy");
        PulumiRun planned = run(plan);
        summarize(planned);
        if (planned == null || !PulumiRun.SUCCEEDED.equals(planned.status())) {
            return finish(list(planned));
        }
        if (planned.changed() == 0) {
            log().println("Nothing to destroy: stack " + planned.stack() + " holds no resources.");
            log().flush();
            return finish(list(planned));
        }
        if (!yes && !confirm("Destroy every resource of stack " + planned.stack() + "?")) {
            return declined("Destroy");
        }
        PulumiRun destroyed = run(request(PulumiRun.DESTROY));
        summarize(destroyed);
        return finish(list(planned, destroyed));
    }
}
