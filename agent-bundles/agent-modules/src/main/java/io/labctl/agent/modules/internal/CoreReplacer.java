package io.labctl.agent.modules.internal;

import io.labctl.agent.api.AgentLink;
import io.labctl.protocol.AgentUpgrade;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces the agent core (the bundle that holds the connection) in the running JVM: the new jar goes in with
 * {@link Bundle#update}, without a refresh, so the core's API package (imported as well as exported) stays wired to
 * the capability bundles, which are not restarted. The old core, on its way out, hands its follows over and closes the
 * connection; the new one connects again at once with the same identity (key and certificate on disk). The new core
 * must be connected within {@link #CONNECT_BOUND}, else the old jar (kept aside first) is put back.
 *
 * <p>The work runs on a thread of its own: the upgrade handler's component goes away with the old core's services and
 * comes back with the new one's. A journal ({@code core-upgrade.properties}) says what is going on, so that an agent
 * killed in the middle settles it at its next start: the new core is kept only once it connected.
 */
final class CoreReplacer {
    static final String CORE = "io.labctl.agent.core";
    static final Duration CONNECT_BOUND = Duration.ofSeconds(20);
    /** The report goes out on the old core's connection before that one closes. */
    static final long REPLY_DELAY_MILLIS = 500;
    private static final Logger LOG = LoggerFactory.getLogger(CoreReplacer.class);
    /** One replacement at a time in this JVM; static: it outlives the handler's reactivation by the new core. */
    private static final AtomicBoolean RUNNING = new AtomicBoolean();

    private final BundleContext context;
    private final Duration connectBound;
    private final Path journal;
    private final Path previous;
    /** The jar of a core this class put in (its location still names the distribution's jar). */
    private final Path current;

    CoreReplacer(BundleContext context, Path directory) {
        this(context, directory, CONNECT_BOUND);
    }

    CoreReplacer(BundleContext context, Path directory, Duration connectBound) {
        this.context = context;
        this.connectBound = connectBound;
        this.journal = directory.resolve("core-upgrade.properties");
        this.previous = directory.resolve("core-previous.jar");
        this.current = directory.resolve("core-current.jar");
    }

    /** Starts replacing the core with the checked jar; the report says so (the rest is the agent's, see above). */
    AgentUpgrade.Report replace(CapabilityUpgrader.Request request, Path jar, Bundle core, Version wanted, long start)
            throws ModuleRunException {
        if (!RUNNING.compareAndSet(false, true)) {
            throw new ModuleRunException(ModuleRunException.BUSY, "the agent core is being replaced already: wait for"
                    + " the agent to reconnect, then try again");
        }
        String from = core.getVersion().toString();
        String unresolved = resolvesBeside(jar);
        if (unresolved != null) {
            RUNNING.set(false);
            return CapabilityUpgrader.report(request, from, AgentUpgrade.ROLLED_BACK, "version " + wanted + " "
                    + unresolved + "; the running core " + from + " was not touched", start);
        }
        try {
            Files.createDirectories(previous.getParent());
            if (Files.exists(current) && runs(current, core.getVersion())) {
                Files.copy(current, previous, StandardCopyOption.REPLACE_EXISTING);
            } else {
                // the distribution's core: its location (mvn:...) still names its jar
                try (InputStream in = new URL(core.getLocation()).openStream()) {
                    Files.copy(in, previous, StandardCopyOption.REPLACE_EXISTING);
                }
                if (!runs(previous, core.getVersion())) {
                    throw new IOException("the jar at its location is not version " + core.getVersion());
                }
            }
            writeJournal(from, wanted.toString(), jar, "replacing");
        } catch (IOException | RuntimeException e) {
            RUNNING.set(false);
            throw new ModuleRunException(ModuleRunException.UNAVAILABLE, "cannot keep a copy of the running core ("
                    + core.getLocation() + ") to put back if the new one fails, so it is not replaced: " + e.getMessage());
        }
        Thread worker = new Thread(() -> run(core, jar, from, wanted), "labctl-core-replace");
        worker.setDaemon(true);
        worker.start();
        return CapabilityUpgrader.report(request, from, AgentUpgrade.REPLACING, "replacing the agent core " + from
                + " -> " + wanted + ": the connection closes and the new core connects again (the agent puts " + from
                + " back if it does not within " + connectBound.toSeconds() + " s)", start);
    }

    /**
     * Whether the new core resolves here, tried on a copy installed beside the running one (resolved, never started,
     * then removed): a core that cannot resolve is refused before the running one is touched. It matters beyond this
     * upgrade: after a kill -9 with an unresolvable core in place, nothing would export the agent API, and nothing
     * could put the old core back. Returns null when it resolves, else why not.
     */
    private String resolvesBeside(Path jar) {
        Bundle check = null;
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        try (InputStream in = Files.newInputStream(jar)) {
            check = context.installBundle("labctl-core-check:" + jar.getFileName(), in);
            return wiring.resolveBundles(List.of(check)) ? null
                    : "does not resolve on this agent (it imports a package nothing here exports at that version)";
        } catch (IOException | BundleException e) {
            return "cannot be installed: " + e.getMessage();
        } finally {
            if (check != null) {
                try {
                    check.uninstall();
                    wiring.refreshBundles(List.of(check));
                } catch (BundleException | IllegalStateException e) {
                    LOG.warn("cannot remove the trial copy of the new agent core: {}", e.getMessage());
                }
            }
        }
    }

    private void run(Bundle core, Path jar, String from, Version wanted) {
        try {
            Thread.sleep(REPLY_DELAY_MILLIS);
            long stopping = System.nanoTime();
            try (InputStream in = Files.newInputStream(jar)) {
                core.update(in);
            }
            if (settle(core, from, wanted, stopping)) {
                Files.copy(jar, current, StandardCopyOption.REPLACE_EXISTING);  // what to put back next time
            }
        } catch (BundleException | IOException | IllegalStateException e) {
            LOG.warn("the agent core could not be replaced by {}: {}; putting {} back", wanted, e.getMessage(), from);
            rollBack(core, from);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            RUNNING.set(false);
        }
    }

    /** Keeps the new core once it connected (true); else puts the old one back. */
    private boolean settle(Bundle core, String from, Version wanted, long since) throws InterruptedException {
        long connected = awaitConnected(core, wanted, since + connectBound.toNanos());
        if (connected >= 0) {
            LOG.info("agent core replaced: {} -> {}; connected to labd again {} ms after the old core began to stop",
                    from, wanted, (connected - since) / 1_000_000);
            clearJournal();
            return true;
        }
        LOG.warn("the new agent core {} did not connect to labd within {} s: putting {} back", wanted,
                connectBound.toSeconds(), from);
        rollBack(core, from);
        return false;
    }

    /** Whether a replacement (or the settling of an interrupted one) is under way in this JVM. */
    static boolean replacing() {
        return RUNNING.get();
    }

    /** Whether the jar is a core bundle at that version. */
    static boolean runs(Path jar, Version version) {
        try {
            CapabilityUpgrader.checkManifest(jar, CORE, version);
            return true;
        } catch (ModuleRunException e) {
            return false;
        }
    }

    /** When the core at that version reports a live connection (System.nanoTime), or -1 past the deadline. */
    private long awaitConnected(Bundle core, Version wanted, long deadline) throws InterruptedException {
        while (System.nanoTime() - deadline < 0) {
            if (core.getState() == Bundle.ACTIVE && core.getVersion().equals(wanted) && linkUp(core)) {
                return System.nanoTime();
            }
            Thread.sleep(20);
        }
        return -1;
    }

    private boolean linkUp(Bundle core) {
        try {
            for (ServiceReference<AgentLink> ref : context.getServiceReferences(AgentLink.class, null)) {
                if (ref.getBundle() != null && ref.getBundle().getBundleId() == core.getBundleId()) {
                    AgentLink link = context.getService(ref);
                    try {
                        return link != null && link.connected();
                    } finally {
                        context.ungetService(ref);
                    }
                }
            }
        } catch (InvalidSyntaxException | IllegalStateException e) {
            // no filter was given; a context that went away sees no link
        }
        return false;
    }

    private void rollBack(Bundle core, String from) {
        try (InputStream in = Files.newInputStream(previous)) {
            core.update(in);
            LOG.info("agent core {} put back", from);
        } catch (IOException | BundleException | IllegalStateException e) {
            LOG.error("cannot put agent core {} back: {}", from, e.getMessage());
        }
        clearJournal();
    }

    /**
     * At the handler's start: a replacement that a stop (kill -9, power loss) interrupted. The old core running: it
     * never happened. The new one running: kept once it connects within the bound, else the old one is put back.
     * Returns what it found, null when nothing was in progress (or this JVM runs the replacement itself).
     */
    String recover() {
        if (RUNNING.get() || !Files.exists(journal)) {
            return null;
        }
        Properties entry = new Properties();
        try (InputStream in = Files.newInputStream(journal)) {
            entry.load(in);
        } catch (IOException e) {
            LOG.warn("cannot read the core upgrade journal {}: {}", journal, e.getMessage());
            return null;
        }
        String from = entry.getProperty("from", "");
        Version to = Version.parseVersion(entry.getProperty("to", "0"));
        Bundle core = null;
        for (Bundle b : context.getBundles()) {
            if (CORE.equals(b.getSymbolicName())) {
                core = b;
            }
        }
        if (core == null || !core.getVersion().equals(to)) {
            clearJournal();
            return "the replacement of the agent core by " + to + " did not happen before the agent stopped: "
                    + (core == null ? "no core" : core.getVersion()) + " runs";
        }
        if (!RUNNING.compareAndSet(false, true)) {
            return null;
        }
        Bundle running = core;
        Thread worker = new Thread(() -> {
            try {
                Path jar = Path.of(entry.getProperty("jar", ""));
                if (settle(running, from, to, System.nanoTime()) && Files.exists(jar)) {
                    Files.copy(jar, current, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                LOG.warn("cannot keep a copy of the agent core {}: {}", to, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                RUNNING.set(false);
            }
        }, "labctl-core-replace");
        worker.setDaemon(true);
        worker.start();
        return "the agent core " + to + " replaced " + from + " before the agent stopped: kept once it connects";
    }

    private void writeJournal(String from, String to, Path jar, String phase) throws IOException {
        Properties entry = new Properties();
        entry.setProperty("jar", jar.toString());
        entry.setProperty("from", from);
        entry.setProperty("to", to);
        entry.setProperty("phase", phase);
        Path temp = journal.resolveSibling(journal.getFileName() + ".tmp");
        try (var out = Files.newOutputStream(temp)) {
            entry.store(out, "agent core replacement in progress");
        }
        Files.move(temp, journal, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void clearJournal() {
        try {
            Files.deleteIfExists(journal);
            Files.deleteIfExists(previous);
        } catch (IOException e) {
            LOG.warn("cannot remove the core upgrade journal {}: {}", journal, e.getMessage());
        }
    }
}
