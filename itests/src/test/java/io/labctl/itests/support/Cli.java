package io.labctl.itests.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The real labctl CLI, run as a separate JVM with its own config file, exactly as an operator runs it. */
public final class Cli {
    private final Path config;

    public Cli(Path config) {
        this.config = config;
    }

    public Processes.Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", System.getProperty("cli.jar"), "--config", config.toString()));
        cmd.addAll(List.of(args));
        return Processes.run(config.getParent(), cmd, Duration.ofSeconds(60));
    }

    /** Runs and insists on exit 0. */
    public String ok(String... args) throws Exception {
        Processes.Result r = run(args);
        if (r.exitCode() != 0) {
            throw new AssertionError("labctl " + String.join(" ", args) + " failed: " + r);
        }
        return r.stdout();
    }
}
