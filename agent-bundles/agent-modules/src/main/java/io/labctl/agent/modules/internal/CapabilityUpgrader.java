package io.labctl.agent.modules.internal;

import io.labctl.agent.api.OpenStreams;
import io.labctl.agent.api.StreamHandler;
import io.labctl.protocol.AgentUpgrade;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upgrades one capability bundle in place, with no JVM restart: the new version, fetched from labd's repository with
 * the agent's identity and its SHA-256 checked ({@link ModuleCache}), is installed and started beside the old one;
 * it is healthy once it is active and registers a stream handler for every kind the old version serves. The agent's
 * dispatcher sends new streams to the newest handler of a kind; open streams that can go on from a cursor (logs
 * follows) are handed over to it, the others run to their end (up to the drain limit). Then the old version is
 * stopped and uninstalled. A
 * new version that does not start or is not healthy in time is uninstalled again: the old one was never touched.
 */
final class CapabilityUpgrader {
    private static final Logger LOG = LoggerFactory.getLogger(CapabilityUpgrader.class);
    static final String LOCATION_PREFIX = "labctl-capability:";
    static final Pattern SYMBOLIC_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** The bundle that runs the upgrade cannot replace itself (the core is replaced its own way: {@link CoreReplacer}). */
    static final Set<String> NOT_LIVE = Set.of("io.labctl.agent.modules");

    /** name: the repository entry (the feature's name); bundle: the symbolic name it replaces. */
    record Request(String name, String bundle, String version, String sha256, Duration health, Duration drain) {
        static Request fromParams(java.util.Map<String, Object> params) throws ModuleRunException {
            String name = text(params, "name");
            String bundle = text(params, "bundle");
            String version = text(params, "version");
            String sha256 = text(params, "sha256");
            if (!SYMBOLIC_NAME.matcher(bundle).matches() || !SYMBOLIC_NAME.matcher(name).matches()
                    || !sha256.matches("[0-9a-f]{64}")) {
                throw new ModuleRunException(ModuleRunException.INVALID_REQUEST, "name and bundle must be names and "
                        + "sha256 64 lower-case hex digits");
            }
            try {
                Version.parseVersion(version);
            } catch (IllegalArgumentException e) {
                throw new ModuleRunException(ModuleRunException.INVALID_REQUEST, "version '" + version + "' is not an"
                        + " OSGi version: " + e.getMessage());
            }
            return new Request(name, bundle, version, sha256, seconds(params.get("healthSeconds"), 1, 30),
                    seconds(params.get("drainSeconds"), 0, 60));
        }

        private static Duration seconds(Object value, long least, long otherwise) {
            return Duration.ofSeconds(value instanceof Number n ? Math.max(least, Math.min(3600, n.longValue())) : otherwise);
        }

        private static String text(java.util.Map<String, Object> params, String key) throws ModuleRunException {
            Object v = params.get(key);
            if (!(v instanceof String s) || s.isBlank()) {
                throw new ModuleRunException(ModuleRunException.INVALID_REQUEST, "the upgrade request lacks " + key);
            }
            return s;
        }
    }

    private final BundleContext context;
    private final ModuleCache cache;
    private final OpenStreams openStreams;
    private final Path journal;
    private final CoreReplacer core;

    /**
     * @param journal where an upgrade in progress is written down (its bundle, the new version's location and its
     *                phase), so that an agent killed in the middle finishes or undoes it at its next start
     */
    CapabilityUpgrader(BundleContext context, ModuleCache cache, OpenStreams openStreams, Path journal) {
        this.context = context;
        this.cache = cache;
        this.openStreams = openStreams;
        this.journal = journal;
        this.core = new CoreReplacer(context, journal.getParent());
    }

    /** A core replacement that a stop interrupted: settled (see {@link CoreReplacer#recover}). */
    String recoverCore() {
        return core.recover();
    }

    /**
     * After a crash in the middle of an upgrade: a new version that had passed its health check becomes the only one
     * (the old ones are removed, as the upgrade would have done); one that had not is removed (the old one runs on).
     * Either way one version, whole. Returns what was done, null when nothing was in progress.
     */
    String recover() {
        java.util.Properties entry = new java.util.Properties();
        try (InputStream in = Files.newInputStream(journal)) {
            entry.load(in);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("cannot read the upgrade journal {}: {}", journal, e.getMessage());
            return null;
        }
        String bundle = entry.getProperty("bundle", "");
        String location = entry.getProperty("location", "");
        Bundle fresh = location.isEmpty() ? null : context.getBundle(location);
        String done;
        if ("healthy".equals(entry.getProperty("phase")) && fresh != null) {
            for (Bundle b : running(bundle)) {
                if (b.getBundleId() != fresh.getBundleId()) {
                    uninstall(b);
                }
            }
            try {
                fresh.start();
            } catch (BundleException e) {
                LOG.warn("cannot start {} {} after finishing its upgrade: {}", bundle, fresh.getVersion(), e.getMessage());
            }
            done = "finished the upgrade of " + bundle + " to " + fresh.getVersion() + " that a stop interrupted";
        } else {
            if (fresh != null) {
                uninstall(fresh);
            }
            done = "undid the upgrade of " + bundle + " that a stop interrupted before its health check passed";
        }
        clearJournal();
        LOG.info("{}", done);
        return done;
    }

    private void writeJournal(String bundle, String location, String phase) throws IOException {
        java.util.Properties entry = new java.util.Properties();
        entry.setProperty("bundle", bundle);
        entry.setProperty("location", location);
        entry.setProperty("phase", phase);
        Files.createDirectories(journal.getParent());
        Path temp = journal.resolveSibling(journal.getFileName() + ".tmp");
        try (var out = Files.newOutputStream(temp)) {
            entry.store(out, "capability upgrade in progress");
        }
        Files.move(temp, journal, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private void clearJournal() {
        try {
            Files.deleteIfExists(journal);
        } catch (IOException e) {
            LOG.warn("cannot remove the upgrade journal {}: {}", journal, e.getMessage());
        }
    }

    AgentUpgrade.Report upgrade(Request request) throws ModuleRunException, InterruptedException {
        long start = System.nanoTime();
        if (NOT_LIVE.contains(request.bundle())) {
            throw new ModuleRunException(ModuleRunException.INVALID_REQUEST, request.bundle() + " cannot be upgraded"
                    + " live (it runs the upgrade): update the lab-agent distribution");
        }
        List<Bundle> old = running(request.bundle());
        if (old.isEmpty()) {
            throw new ModuleRunException(ModuleRunException.MISSING, "capability bundle " + request.bundle()
                    + " is not running on this agent: install its feature first");
        }
        Bundle current = old.get(0);
        String from = current.getVersion().toString();
        Version wanted = Version.parseVersion(request.version());
        if (current.getVersion().equals(wanted) && old.size() == 1) {
            return report(request, from, AgentUpgrade.UNCHANGED, "already runs " + wanted, start);
        }
        Path jar = cache.jar(request.name(), request.version(), request.sha256());
        checkManifest(jar, request.bundle(), wanted);
        if (CoreReplacer.CORE.equals(request.bundle())) {
            return core.replace(request, jar, current, wanted, start);
        }
        Set<String> kinds = kindsOf(current);

        Bundle fresh;
        String location = LOCATION_PREFIX + request.bundle() + "/" + wanted + "/" + request.sha256();
        try {
            writeJournal(request.bundle(), location, "installing");
        } catch (IOException e) {
            throw new ModuleRunException(ModuleRunException.UNAVAILABLE, "cannot write the upgrade journal " + journal
                    + ": " + e.getMessage(), e);
        }
        try {
            return install(request, jar, location, current, old, kinds, from, wanted, start);
        } finally {
            clearJournal();
        }
    }

    private AgentUpgrade.Report install(Request request, Path jar, String location, Bundle current, List<Bundle> old,
                                        Set<String> kinds, String from, Version wanted, long start)
            throws InterruptedException {
        Bundle fresh;
        try (InputStream in = Files.newInputStream(jar)) {
            Bundle existing = context.getBundle(location);
            fresh = existing != null ? existing : context.installBundle(location, in);
        } catch (IOException | BundleException e) {
            return report(request, from, AgentUpgrade.ROLLED_BACK, "version " + wanted + " cannot be installed: "
                    + e.getMessage() + "; " + from + " runs on", start);
        }
        try {
            fresh.start();
        } catch (BundleException e) {
            uninstall(fresh);
            return report(request, from, AgentUpgrade.ROLLED_BACK, "version " + wanted + " did not start ("
                    + e.getMessage() + "); removed again, " + from + " runs on", start);
        }
        String unhealthy = awaitHealthy(fresh, kinds, request.health());
        if (unhealthy != null) {
            uninstall(fresh);
            return report(request, from, AgentUpgrade.ROLLED_BACK, "version " + wanted + " is not healthy ("
                    + unhealthy + "); removed again, " + from + " runs on", start);
        }
        try {
            writeJournal(request.bundle(), location, "healthy");
        } catch (IOException e) {
            uninstall(fresh);
            return report(request, from, AgentUpgrade.ROLLED_BACK, "cannot write the upgrade journal " + journal + " ("
                    + e.getMessage() + "); version " + wanted + " removed again, " + from + " runs on", start);
        }
        // new streams now reach the new version (the dispatcher prefers the newest); open ones that can be continued
        // from a cursor (a logs follow) are handed over to it, the others end first
        int handedOver = 0;
        for (Bundle b : old) {
            if (b.getBundleId() != fresh.getBundleId()) {
                handedOver += openStreams.handOver(b.getBundleId());
            }
        }
        String drained = (handedOver > 0 ? handedOver + " stream(s) handed over to " + wanted + "; " : "")
                + drain(old, fresh, request.drain());
        for (Bundle b : old) {
            if (b.getBundleId() != fresh.getBundleId()) {
                uninstall(b);
            }
        }
        LOG.info("capability {} upgraded from {} to {} (stream kinds {}; {})", request.bundle(), from, wanted, kinds,
                drained);
        return report(request, from, AgentUpgrade.UPGRADED, "upgraded from " + from + " to " + wanted
                + (kinds.isEmpty() ? "" : "; serves " + String.join(", ", kinds)) + "; " + drained, start);
    }

    /** Waits until the old versions' streams have ended, up to the drain limit; says how that went. */
    private String drain(List<Bundle> old, Bundle fresh, Duration limit) throws InterruptedException {
        long begin = System.nanoTime();
        long deadline = begin + limit.toNanos();
        int first = -1;
        while (true) {
            int open = 0;
            for (Bundle b : old) {
                if (b.getBundleId() != fresh.getBundleId()) {
                    open += openStreams.of(b.getBundleId());
                }
            }
            first = first < 0 ? open : first;
            if (open == 0) {
                return first == 0 ? "no open stream on the old version"
                        : first + " stream(s) on the old version ran to their end (" + (System.nanoTime() - begin) / 1_000_000
                        + " ms)";
            }
            if (System.nanoTime() > deadline) {
                return open + " stream(s) on the old version still open after the drain limit of " + limit.toSeconds()
                        + " s: ended with it";
            }
            Thread.sleep(50);
        }
    }

    static AgentUpgrade.Report report(Request request, String from, String result, String message, long start) {
        return new AgentUpgrade.Report(request.bundle(), from, request.version(), result, message,
                (System.nanoTime() - start) / 1_000_000);
    }

    /** The bundles of that symbolic name, active first, newest first. */
    private List<Bundle> running(String symbolicName) {
        List<Bundle> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName()) && b.getState() != Bundle.UNINSTALLED) {
                out.add(b);
            }
        }
        out.sort((a, b) -> {
            int active = Boolean.compare(b.getState() == Bundle.ACTIVE, a.getState() == Bundle.ACTIVE);
            return active != 0 ? active : b.getVersion().compareTo(a.getVersion());
        });
        return out;
    }

    static void checkManifest(Path jar, String symbolicName, Version version) throws ModuleRunException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String name = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-SymbolicName");
            String v = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-Version");
            name = name == null ? null : name.split(";")[0].strip();
            if (!symbolicName.equals(name) || v == null || !version.equals(Version.parseVersion(v.strip()))) {
                throw new ModuleRunException(ModuleRunException.INVALID_REQUEST, "the repository's jar is bundle "
                        + name + " " + v + ", not " + symbolicName + " " + version + ": push the right jar under that"
                        + " name and version");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ModuleRunException(ModuleRunException.INVALID_REQUEST, "the repository's jar for " + symbolicName
                    + " " + version + " is not a readable bundle: " + e.getMessage());
        }
    }

    /** The stream kinds a bundle's registered handlers serve. */
    static Set<String> kindsOf(Bundle bundle) {
        Set<String> kinds = new HashSet<>();
        ServiceReference<?>[] refs = bundle.getRegisteredServices();
        if (refs != null) {
            for (ServiceReference<?> ref : refs) {
                Object kind = ref.getProperty(StreamHandler.KIND);
                if (kind instanceof String s) {
                    kinds.add(s);
                } else if (kind instanceof String[] array) {
                    kinds.addAll(List.of(array));
                }
            }
        }
        return kinds;
    }

    /** null once the bundle is active and serves every kind; else what is missing when the time is up. */
    private static String awaitHealthy(Bundle bundle, Set<String> kinds, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String missing;
            if (bundle.getState() != Bundle.ACTIVE) {
                missing = "not active";
            } else {
                Set<String> served = kindsOf(bundle);
                Set<String> absent = new HashSet<>(kinds);
                absent.removeAll(served);
                missing = absent.isEmpty() ? null : "no stream handler for " + String.join(", ", absent)
                        + " within " + timeout.toSeconds() + " s";
            }
            if (missing == null || System.nanoTime() > deadline) {
                return missing;
            }
            Thread.sleep(50);
        }
    }

    private void uninstall(Bundle bundle) {
        try {
            bundle.uninstall();
        } catch (BundleException | IllegalStateException e) {
            LOG.warn("cannot uninstall bundle {} {}: {}", bundle.getSymbolicName(), bundle.getVersion(), e.getMessage());
            return;
        }
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        if (wiring != null) {
            wiring.refreshBundles(List.of(bundle));
        }
    }
}
