package io.labctl.cli.testsupport;

import io.labctl.cli.Cli;
import io.labctl.cli.Main;
import io.labctl.cli.Stdio;
import io.labctl.cli.config.ConfigStore;
import io.labctl.cli.config.ContextEntry;
import io.labctl.cli.config.LabctlConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/** Test helper: runs labctl in-process with captured stdout/stderr, a private home and config, and a fixed clock. */
public final class TestCli {
    public static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    public final Path home;
    public final Map<String, String> env = new HashMap<>();
    /** What the command reads as stdin, and whether it pretends to be a terminal. */
    public InputStream stdin = InputStream.nullInputStream();
    public boolean stdinIsTerminal;
    /** When set, the raw byte stdout (Stdio.out) goes here instead of into {@link Result#out()}, undecoded. */
    public OutputStream stdoutBytes;

    public TestCli(Path home) {
        this.home = home;
    }

    public Path configFile() {
        return home.resolve(".labctl").resolve("config.yaml");
    }

    /** Writes a config whose current context "test" points at the given labd with the test PKI's credentials. */
    public TestCli withContext(TestPki pki, String server) throws IOException {
        ContextEntry ctx = ContextEntry.of("test", pki.bundle(server));
        ConfigStore.save(configFile(), LabctlConfig.empty().withContext(ctx).withCurrent("test"));
        return this;
    }

    public Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true);
        Stdio text = Stdio.of(o, e);
        boolean terminal = stdinIsTerminal;
        Cli cli = new Cli(o, e, env, home, Clock.fixed(NOW, ZoneOffset.UTC),
                new Stdio(stdin, stdoutBytes != null ? stdoutBytes : text.out(), text.err(), () -> terminal));
        int code = Main.run(cli, args);
        return new Result(code, out.toString(), err.toString(), cli.sessionId());
    }

    /** @param session the invocation's id, as labd's audit log would see it */
    public record Result(int code, String out, String err, String session) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
