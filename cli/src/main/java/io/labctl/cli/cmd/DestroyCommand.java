package io.labctl.cli.cmd;

import com.fasterxml.jackson.databind.JavaType;
import io.labctl.cli.Cli;
import io.labctl.cli.render.RunPrinter;
import io.labctl.protocol.Json;
import io.labctl.protocol.pulumi.PulumiRun;
import io.labctl.protocol.pulumi.RunRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "destroy", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Delete every resource a Pulumi YAML program's stack holds in an environment.", "",
                "Shows the stack's last successful apply and asks first (only 'yes' destroys; --yes skips the",
                "question). The run is recorded and audited. Needs destroy on the whole environment. Ctrl-C",
                "cancels the run (exit 130). Exit 0 when destroyed, 1 when the run failed or you declined.", "",
                "Examples:",
                "  labctl destroy -f web.yaml --env lab",
                "  labctl destroy -f web.yaml --env lab --yes"})
public final class DestroyCommand extends RunVerb {
    @Option(names = "--yes", description = "Destroy without asking.")
    boolean yes;

    DestroyCommand(Cli cli) {
        super(cli);
    }

    @Override
    public Integer call() {
        RunRequest request = request(PulumiRun.DESTROY);
        requireAnswerable(yes, "destroy");
        String stack = project(request) + "/" + environment;
        if (!yes) {
            JavaType type = Json.json().getTypeFactory().constructCollectionType(List.class, PulumiRun.class);
            List<PulumiRun> runs = client().get(PulumiRun.PATH + "?env=" + environment, type);
            PulumiRun last = runs == null ? null : runs.stream().filter(r -> stack.equals(r.stack())
                    && PulumiRun.APPLY.equals(r.kind()) && PulumiRun.SUCCEEDED.equals(r.status())).findFirst()
                    .orElse(null);
            cli.err().println(last == null ? "Stack " + stack + " has no successful apply on record."
                    : "Stack " + stack + " was last applied by run " + last.id() + " (" + last.user() + ", "
                    + RunPrinter.summary(last) + ").");
            if (!confirm("Destroy every resource of stack " + stack + "?")) {
                cli.err().println("Destroy declined: nothing was changed.");
                cli.err().flush();
                return DECLINED;
            }
        }
        PulumiRun destroyed = run(request);
        summarize(destroyed);
        return finish(list(destroyed));
    }
}
