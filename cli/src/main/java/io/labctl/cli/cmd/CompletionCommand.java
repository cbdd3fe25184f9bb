package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script.", "",
                "Verbs and options complete from the script itself; module names (labctl modules VERB), app",
                "names (labctl apps VERB) and repository entries (labctl repo remove) are asked of labd as you",
                "press TAB.", "",
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
        cli.out().print(namesFromLabd());
        cli.out().flush();
        return ExitCodes.OK;
    }

    /** The part picocli's static script cannot do: module and repository names asked of labd at completion time. */
    private static String namesFromLabd() {
        try (InputStream in = CompletionCommand.class.getResourceAsStream("completion-names.bash")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("labctl's jar lacks completion-names.bash", e);
        }
    }
}
