package io.labctl.cli.session;

import io.labctl.cli.Cli;
import io.labctl.cli.config.CertificateRenewal;
import io.labctl.cli.config.ConfigStore;
import io.labctl.cli.config.ContextEntry;
import io.labctl.cli.config.LabctlConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The session renews certificates on its own: every context it ran a command for is checked now and then, and
 * renewed once a third of its certificate's life is left (as a one-shot labctl would before its next command). A
 * renewal goes to the session log and, once, to the stderr of the next command that uses that config file.
 */
final class SessionRenewals {
    /** A context of a config file, as one invocation chose it. */
    record Served(Path config, String context) {}

    private final Map<Served, Boolean> served = new ConcurrentHashMap<>();
    private final Map<Path, String> notices = new ConcurrentHashMap<>();
    private final Consumer<String> log;

    SessionRenewals(Consumer<String> log) {
        this.log = log;
    }

    /** Remembers the context an invocation used (after its arguments were parsed: --context counts). */
    void served(Cli cli) {
        try {
            String context = cli.contextOverride() != null ? cli.contextOverride() : cli.loadConfig().currentContext();
            if (context != null) {
                served.put(new Served(cli.configPath().toAbsolutePath(), context), Boolean.TRUE);
            }
        } catch (RuntimeException e) {
            // an unreadable config: the command itself says so
        }
    }

    /** Prints, once, what the session renewed in this invocation's config file. */
    void tellOnce(Cli cli) {
        String notice = notices.remove(cli.configPath().toAbsolutePath());
        if (notice != null) {
            cli.err().println("labctl: " + notice);
            cli.err().flush();
        }
    }

    /** Renews every remembered context whose certificate is due at {@code now}. */
    void check(Instant now) {
        for (Served s : served.keySet()) {
            Optional<ContextEntry> context;
            try {
                LabctlConfig config = ConfigStore.load(s.config());
                context = config.find(s.context());
            } catch (Exception e) {
                context = Optional.empty();
            }
            if (context.isEmpty()) {
                served.remove(s); // the file or the context is gone
                continue;
            }
            ContextEntry c = context.get();
            if (c.certificate() == null || !CertificateRenewal.isDue(c.certificate(), now)) {
                continue;
            }
            try {
                CertificateRenewal.Renewed r = CertificateRenewal.renew(c, s.config(), "session-" + UUID.randomUUID());
                String message = "the labctl session renewed your certificate for context " + c.name() + " in "
                        + s.config() + " (a third of its life was left); the new one is valid until " + r.expiry();
                log.accept(message);
                notices.put(s.config(), message);
            } catch (RuntimeException e) {
                log.accept("could not renew the certificate of context " + c.name() + " in " + s.config() + ": "
                        + e.getMessage() + "; trying again later");
            }
        }
    }
}
