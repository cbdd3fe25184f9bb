package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.protocol.pulumi.PulumiRun;
import picocli.CommandLine.Command;

@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show what a Pulumi YAML program would change in an environment; changes nothing.", "",
                "labd's engine previews the program against the environment's stack (PROJECT/ENV) and the engine's",
                "output streams here. The run is recorded: 'labctl get runs', 'labctl describe run/ID'. Needs",
                "apply on the whole environment (a plan runs the program with the stack's credentials). Ctrl-C",
                "cancels the run (exit 130). Exit 0 when the plan succeeded, 1 when it failed.", "",
                "Examples:",
                "  labctl plan -f web.yaml --env lab",
                "  labctl plan -f web.yaml --env lab -o json | jq .changes"})
public final class PlanCommand extends RunVerb {
    PlanCommand(Cli cli) {
        super(cli);
    }

    @Override
    public Integer call() {
        PulumiRun plan = run(request(PulumiRun.PLAN));
        summarize(plan);
        return finish(list(plan));
    }
}
