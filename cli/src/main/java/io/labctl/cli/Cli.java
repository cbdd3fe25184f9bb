package io.labctl.cli;

import io.labctl.cli.config.CertificateRenewal;
import io.labctl.cli.config.ConfigStore;
import io.labctl.cli.config.ContextEntry;
import io.labctl.cli.config.LabctlConfig;
import io.labctl.cli.exec.InterruptSource;
import io.labctl.cli.exec.Interrupts;
import io.labctl.cli.http.LabdClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

/**
 * Everything a command needs from the outside world, in one object so tests can swap it: stdout and stderr, the
 * environment, the home directory and the clock, plus the global options (--config, --context) of this call.
 */
public final class Cli {
    public static final String NO_CONTEXT =
            "no labctl context configured; run 'labctl config import <bundle>' or './labctl quickstart'";

    private final PrintWriter out;
    private final PrintWriter err;
    private final Map<String, String> env;
    private final Path home;
    private final Clock clock;
    private final Stdio stdio;
    private final InterruptSource interrupts;
    private final Path workingDir;
    private final String sessionId = LabdClient.newSessionId();
    private String configOverride;
    private String contextOverride;
    private boolean renewalChecked;

    public Cli(PrintWriter out, PrintWriter err, Map<String, String> env, Path home, Clock clock) {
        this(out, err, env, home, clock, Stdio.of(out, err));
    }

    public Cli(PrintWriter out, PrintWriter err, Map<String, String> env, Path home, Clock clock, Stdio stdio) {
        this(out, err, env, home, clock, stdio, Interrupts.PROCESS, Path.of(""));
    }

    /**
     * @param interrupts where Ctrl-C comes from
     * @param workingDir what relative paths (--config, $LABCTL_CONFIG) are relative to: the caller's directory
     */
    public Cli(PrintWriter out, PrintWriter err, Map<String, String> env, Path home, Clock clock, Stdio stdio,
            InterruptSource interrupts, Path workingDir) {
        this.interrupts = interrupts;
        this.workingDir = workingDir;
        this.out = out;
        this.err = err;
        this.env = Map.copyOf(env);
        this.home = home;
        this.clock = clock;
        this.stdio = stdio;
    }

    public static Cli system() {
        return new Cli(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true),
                System.getenv(), Path.of(System.getProperty("user.home")), Clock.systemUTC(), Stdio.system());
    }

    public PrintWriter out() { return out; }

    public PrintWriter err() { return err; }

    /** Raw bytes in and out; flush {@link #out()} and {@link #err()} before writing to them. */
    public Stdio stdio() { return stdio; }

    public Instant now() { return clock.instant(); }

    /** Where this invocation's Ctrl-C comes from. */
    public InterruptSource interrupts() { return interrupts; }

    /**
     * One id per invocation, sent with every request, so labd's audit log can group the rows of one labctl command
     * (a labctl session serves many invocations from one process).
     */
    public String sessionId() { return sessionId; }

    /** labd's API for the chosen context, as this invocation (renewing its certificate first when due). */
    public LabdClient labd() {
        return LabdClient.forContext(renewIfDue(context()), sessionId);
    }

    /**
     * Once an invocation: when a third or less of the context's certificate lifetime is left, renew it before
     * talking to labd, and say so on stderr. A failed renewal is a warning only: the old certificate still works.
     */
    private ContextEntry renewIfDue(ContextEntry context) {
        if (renewalChecked) {
            return context;
        }
        renewalChecked = true;
        try {
            if (context.certificate() == null || !CertificateRenewal.isDue(context.certificate(), now())) {
                return context;
            }
            CertificateRenewal.Renewed renewed = CertificateRenewal.renew(context, configPath(), sessionId);
            err.println("labctl: renewed your certificate for context " + context.name() + " (a third of its life was"
                    + " left); the new one is valid until " + renewed.expiry());
            err.flush();
            return renewed.context();
        } catch (RuntimeException e) {
            err.println("labctl: could not renew your certificate for context " + context.name() + ": "
                    + e.getMessage() + "; the current one stays in use, and labctl tries again on the next command");
            err.flush();
            return context;
        }
    }

    public String env(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    /** The whole environment this invocation sees (in a labctl session: the client's LABCTL_ variables). */
    public Map<String, String> environment() {
        return env;
    }

    public boolean debug() {
        return "1".equals(env("LABCTL_DEBUG"));
    }

    public void setConfigOverride(String file) { this.configOverride = file; }

    public void setContextOverride(String name) { this.contextOverride = name; }

    public String contextOverride() { return contextOverride; }

    /** A file the user named, relative to the caller's directory (in a labctl session too). */
    public Path resolve(Path file) {
        return workingDir.resolve(file);
    }

    /** --config, else $LABCTL_CONFIG, else ~/.labctl/config.yaml. */
    /** A path the user gave, relative to the caller's directory (a labctl session's own is elsewhere). */
    public Path resolve(String path) {
        return workingDir.resolve(path);
    }

    public Path configPath() {
        if (configOverride != null) {
            return workingDir.resolve(configOverride);
        }
        String fromEnv = env("LABCTL_CONFIG");
        return fromEnv != null ? workingDir.resolve(fromEnv) : home.resolve(".labctl").resolve("config.yaml");
    }

    /** $LABCTL_QUICKSTART_DIR, else ~/.labctl/quickstart. */
    public Path quickstartDir() {
        String fromEnv = env("LABCTL_QUICKSTART_DIR");
        return fromEnv != null ? workingDir.resolve(fromEnv) : home.resolve(".labctl").resolve("quickstart");
    }

    /** The source tree labctl was built from: $LABCTL_HOME (the launcher sets it), else derived from the jar's place. */
    public Path labctlHome() {
        String fromEnv = env("LABCTL_HOME");
        if (fromEnv != null) {
            return Path.of(fromEnv);
        }
        try {
            Path jar = Path.of(Cli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // <home>/cli/target/labctl.jar
            Path target = jar.getParent();
            if (target != null && target.getParent() != null && target.getParent().getParent() != null) {
                return target.getParent().getParent();
            }
        } catch (Exception e) {
            // fall through
        }
        return null;
    }

    public LabctlConfig loadConfig() {
        Path file = configPath();
        try {
            return ConfigStore.load(file);
        } catch (IOException e) {
            throw CliException.usage("cannot read labctl config " + file + ": " + e.getMessage());
        }
    }

    public void saveConfig(LabctlConfig config) {
        Path file = configPath();
        try {
            ConfigStore.save(file, config);
        } catch (IOException e) {
            throw new CliException(ExitCodes.REFUSED, "cannot write labctl config " + file + ": " + e.getMessage(), e);
        }
    }

    /** The context this call talks to: --context, else the config's current-context. */
    public ContextEntry context() {
        LabctlConfig config = loadConfig();
        String name = contextOverride != null ? contextOverride : config.currentContext();
        if (name == null || config.contexts().isEmpty()) {
            if (contextOverride == null) {
                throw CliException.usage(NO_CONTEXT);
            }
        }
        return config.find(name).orElseThrow(() -> CliException.usage("context '" + name + "' is not in "
                + configPath() + "; see 'labctl config get-contexts'"
                + (config.contexts().isEmpty() ? " (" + NO_CONTEXT + ")" : "")));
    }

    /** See {@link CdsTraining}. */
    public static void warmForCds() {
        CdsTraining.warm();
    }

    /** The CLI's own version, from a resource Maven filters at build time. */
    public static String version() {
        try (InputStream in = Cli.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty("version");
            return v == null || v.startsWith("$") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
