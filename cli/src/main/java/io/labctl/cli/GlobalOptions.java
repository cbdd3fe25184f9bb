package io.labctl.cli;

import picocli.CommandLine.Option;

/** --config and --context, mixed into every verb that talks to labd or reads the config. */
public final class GlobalOptions {
    private final Cli cli;

    public GlobalOptions(Cli cli) {
        this.cli = cli;
    }

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file to use (default: $LABCTL_CONFIG, else ~/.labctl/config.yaml).")
    void setConfig(String file) {
        cli.setConfigOverride(file);
    }

    @Option(names = "--context", paramLabel = "NAME", description = "Use this context for this call instead of the current one.")
    void setContext(String name) {
        cli.setContextOverride(name);
    }
}
