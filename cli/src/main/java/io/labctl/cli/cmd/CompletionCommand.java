package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script.", "",
                "Examples:",
                "  source <(labctl completion bash)",
                "  labctl completion bash > /etc/bash_completion.d/labctl"})
public final class CompletionCommand implements Callable<Integer> {
    private final Cli cli;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash (zsh can load it with 'autoload -U bashcompinit; bashcompinit').")
    Shell shell;

    enum Shell { bash }

    CompletionCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        cli.out().print(AutoComplete.bash("labctl", spec.root().commandLine()));
        cli.out().flush();
        return ExitCodes.OK;
    }
}
