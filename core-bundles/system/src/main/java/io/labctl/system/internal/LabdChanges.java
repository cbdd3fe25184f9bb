package io.labctl.system.internal;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.audit.AuditWriter;
import io.labctl.api.web.ProgressStream;
import io.labctl.api.repository.BundleRepository;
import io.labctl.protocol.CapabilityInfo;
import io.labctl.protocol.Progress;
import io.labctl.protocol.SystemChange;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.modules.RepoEntry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.karaf.features.BundleInfo;
import org.apache.karaf.features.Dependency;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.features.FeaturesService.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code labctl system upgrade|install|uninstall}: labd's own capabilities changed on the running labd through
 * Karaf's features service, so that Karaf keeps knowing what runs (a later feature change does not undo it, and a
 * restart keeps it). A version from labd's bundle repository becomes a features repository of its own under
 * {@code ${karaf.data}/labctl/system}: the old feature's definition with the repository's jar (its digest checked,
 * its manifest naming the expected bundle and version) in place of the capability's bundle. Karaf then replaces the
 * old version's requirement with the new one ({@link Option#Upgrade}); the new version must become healthy
 * ({@link CapabilityStates}: bundles active, DS components satisfied, schema migrated) in time, else the old version
 * is put back. One change at a time. Every call, refusals too, gets an audit row with feature, versions and digest.
 */
@Component(service = LabdChanges.class, configurationPid = "io.labctl.system")
@Designate(ocd = SystemConfig.class)
public class LabdChanges {
    private static final Logger LOG = LoggerFactory.getLogger(LabdChanges.class);
    static final String SOURCE = "labd";
    /** The old version put back has this long to be healthy again (it ran before). */
    static final Duration HEALTH_AGAIN = Duration.ofSeconds(5);
    static final String UPGRADE = "system.upgrade";
    static final String INSTALL = "system.install";
    static final String UNINSTALL = "system.uninstall";

    /**
     * Karaf's own refresh would restart bundles far from the change (the whole of labd, database included) only to
     * wire an optional import that can now be satisfied (PostgreSQL's JNA import); labd refreshes just the bundles
     * the change left removal-pending, and what is wired to them ({@link #refreshRemovalPending}).
     */
    static final EnumSet<Option> OPTIONS = EnumSet.of(Option.NoAutoRefreshBundles);
    static final EnumSet<Option> UPGRADE_OPTIONS = EnumSet.of(Option.Upgrade, Option.NoAutoRefreshBundles);
    static final Duration REFRESH = Duration.ofSeconds(10);

    private final FeaturesService features;
    private final LabdFeatures states;
    // optional, so that labd-system runs (and lists labd's capabilities) without labd-repository or labd-audit: a
    // change then is refused, saying which is missing. Held as references and taken only for a change: taking the
    // services when this component activates would draw their own references into labd's start (the repository's
    // access decisions, the registry, ...), where a cycle can leave another component unbound.
    @Reference(service = BundleRepository.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    private volatile ServiceReference<BundleRepository> repository;
    @Reference(service = AuditWriter.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ServiceReference<AuditWriter> audit;
    private final BundleContext context;
    private final Path folder;
    private final ReentrantLock oneAtATime = new ReentrantLock();
    /** How long a new version has to become healthy ({@link SystemConfig#healthSeconds()}). */
    private final Duration health;

    @Activate
    public LabdChanges(@Reference FeaturesService features, @Reference LabdFeatures states, BundleContext context,
                       SystemConfig config) {
        this.health = Duration.ofSeconds(healthSeconds(config.healthSeconds()));
        this.features = features;
        this.states = states;
        this.context = context;
        String data = context.getProperty("karaf.data");
        // beside Karaf's own state, so it lasts as long as that state does (a wiped data/ forgets both)
        this.folder = data != null ? Path.of(data, "labctl", "system") : context.getDataFile("system").toPath();
    }

    /** Bounded so that a typo cannot leave a request waiting for hours, nor cut every health check short. */
    static int healthSeconds(int configured) {
        if (configured < 5 || configured > 600) {
            LOG.warn("healthSeconds {} in etc/io.labctl.system.cfg is not between 5 and 600: using 20", configured);
            return 20;
        }
        return configured;
    }

    public SystemChange.Result upgrade(Identity caller, SystemChange.Request request) {
        return upgrade(caller, request, ProgressStream.Sink.NONE);
    }

    /**
     * Refusals are thrown before the first event ({@code fetched}: the version is ready to install); then the steps:
     * installed, health (waiting), healthy or rolled back.
     */
    public SystemChange.Result upgrade(Identity caller, SystemChange.Request request, ProgressStream.Sink progress) {
        return audited(caller, UPGRADE, request, repository -> {
            String feature = checkedName(request);
            String refusal = SystemDecisions.protectedReason(feature, "upgraded");
            if (refusal != null) {
                throw ApiException.badRequest("protected-feature", refusal);
            }
            if (request.version() == null || request.version().isBlank()) {
                throw ApiException.badRequest("invalid-request", "give the version: labctl system upgrade " + feature
                        + " --to 0.2.0");
            }
            Feature current = installed(feature);
            if (current == null) {
                throw ApiException.notFound("feature-not-installed", feature + " is not installed on this labd; install"
                        + " it instead: labctl system install " + feature + " --version " + request.version());
            }
            String to = osgi(request.version());
            if (current.getVersion().equals(to)) {
                return result(feature, current.getVersion(), to, SystemChange.UNCHANGED, null, null, null, 0,
                        "already runs " + to);
            }
            long start = System.nanoTime();
            Prepared prepared = prepare(repository, feature, request.version(), current);
            progress.accept(Progress.step("fetched", fetched(feature, prepared)));
            return replace(feature, current.getVersion(), prepared, start, progress);
        });
    }

    public SystemChange.Result install(Identity caller, SystemChange.Request request) {
        return install(caller, request, ProgressStream.Sink.NONE);
    }

    public SystemChange.Result install(Identity caller, SystemChange.Request request, ProgressStream.Sink progress) {
        return audited(caller, INSTALL, request, repository -> {
            String feature = checkedName(request);
            Feature current = installed(feature);
            if (current != null) {
                if (request.version() == null || current.getVersion().equals(osgi(request.version()))) {
                    return result(feature, current.getVersion(), current.getVersion(), SystemChange.UNCHANGED, null,
                            null, null, 0, "already installed");
                }
                throw ApiException.conflict("feature-installed", feature + " " + current.getVersion() + " is installed;"
                        + " to run " + request.version() + " upgrade it: labctl system upgrade " + feature + " --to "
                        + request.version());
            }
            long start = System.nanoTime();
            Prepared prepared = prepare(repository, feature, request.version(), null);
            progress.accept(Progress.step("fetched", fetched(feature, prepared)));
            try {
                features.installFeature(feature, prepared.version(), OPTIONS);
                refreshRemovalPending();
            } catch (Exception e) {
                forget(prepared);
                throw ApiException.conflict("feature-not-installable", feature + " " + prepared.version()
                        + " cannot be installed: " + firstLine(e) + "; nothing was changed");
            }
            progress.accept(Progress.step("installed", feature + " " + prepared.version() + " installed by Karaf"));
            String unhealthy = awaitHealthy(feature, prepared.version(), health, progress);
            progress.accept(Progress.step(unhealthy == null ? "healthy" : "unhealthy", unhealthy == null
                    ? feature + " " + prepared.version() + " is active" : unhealthy));
            String message = unhealthy == null ? "installed; active" : "installed, but not healthy: " + unhealthy
                    + " (labctl system features; labctl system uninstall " + feature + " to remove it)";
            return result(feature, null, prepared.version(), SystemChange.INSTALLED, prepared.bundle(), prepared.sha256(),
                    prepared.source(), millis(start), message);
        });
    }

    public SystemChange.Result uninstall(Identity caller, SystemChange.Request request) {
        return uninstall(caller, request, ProgressStream.Sink.NONE);
    }

    public SystemChange.Result uninstall(Identity caller, SystemChange.Request request, ProgressStream.Sink progress) {
        return audited(caller, UNINSTALL, request, repository -> {
            String feature = checkedName(request);
            String refusal = SystemDecisions.protectedReason(feature, "uninstalled");
            if (refusal != null) {
                throw ApiException.badRequest("protected-feature", refusal);
            }
            Feature current = installed(feature);
            if (current == null) {
                return result(feature, null, null, SystemChange.UNCHANGED, null, null, null, 0, "not installed");
            }
            Map<String, List<String>> dependencies = new LinkedHashMap<>();
            for (Feature f : features.listInstalledFeatures()) {
                dependencies.put(f.getName(), f.getDependencies().stream().map(Dependency::getName).toList());
            }
            List<String> needing = SystemDecisions.neededBy(feature, dependencies);
            if (!needing.isEmpty()) {
                throw ApiException.conflict("feature-needed", feature + " is needed by " + String.join(", ", needing)
                        + ": uninstall those first");
            }
            if (!features.isRequired(current)) {
                throw ApiException.conflict("feature-needed", feature + " was installed as a dependency, not on its own:"
                        + " uninstall the feature that brought it");
            }
            long start = System.nanoTime();
            progress.accept(Progress.step("uninstalling", "Karaf uninstalls " + feature + " " + current.getVersion()));
            try {
                features.uninstallFeature(feature, current.getVersion(), OPTIONS);
                refreshRemovalPending();
            } catch (Exception e) {
                throw ApiException.conflict("feature-not-uninstallable", feature + " cannot be uninstalled: " + firstLine(e));
            }
            return result(feature, current.getVersion(), null, SystemChange.UNINSTALLED, null, null, null, millis(start),
                    "uninstalled; its tables and rows stay");
        });
    }

    /** The version to install: a feature Karaf knows, or one made from the repository's jar. */
    record Prepared(String version, String source, String bundle, String sha256, URI repositoryUri, List<Path> files) {}

    private Prepared prepare(BundleRepository repository, String feature, String version, Feature current)
            throws Exception {
        Feature known = version == null ? newestKnown(feature) : features.getFeature(feature, osgi(version));
        if (known != null && (version == null || known.getVersion().equals(osgi(version)))) {
            boolean ours = known.getRepositoryUrl() != null && known.getRepositoryUrl().startsWith(folder.toUri().toString());
            return new Prepared(known.getVersion(), ours ? SystemChange.FROM_REPOSITORY : SystemChange.FROM_DISTRIBUTION,
                    ownBundle(known), null, null, List.of());
        }
        if (repository == null) {
            throw ApiException.unavailable("capability-not-installed", feature + (version == null ? "" : " " + version)
                    + " is not a feature this labd knows, and labd's repository is not running to take it from:"
                    + " install labd-repository (labctl system install labd-repository)");
        }
        RepoEntry entry = repository.find(feature, version).orElse(null);
        String bundle = current == null ? null : ownBundle(current);
        if (entry == null) {
            throw ApiException.notFound("version-not-in-repository", feature + (version == null ? "" : " " + version)
                    + " is neither a feature this labd knows nor in labd's repository; push the capability's bundle first:"
                    + " labctl repo push " + (bundle == null ? "BUNDLE" : bundle) + "-" + (version == null ? "VERSION" : version)
                    + ".jar --name " + feature + " --version " + (version == null ? "VERSION" : version));
        }
        if (!RepoEntry.ARTIFACT.equals(entry.kind())) {
            throw ApiException.badRequest("not-a-bundle", "the repository's " + feature + " " + entry.version() + " is a "
                    + entry.kind() + ", not a bundle jar: push the capability's bundle as an artifact (labctl repo push"
                    + " X.jar --name " + feature + " --version " + entry.version() + ")");
        }
        String to = osgi(entry.version());
        Files.createDirectories(folder);
        String stem = feature + "-" + to + "-" + entry.sha256().substring(0, 12);
        Path jar = folder.resolve(stem + ".jar");
        fetch(repository, entry, jar);
        SystemDecisions.Manifested manifest = SystemDecisions.manifest(jar);
        String wrong = SystemDecisions.wrongJar(manifest, bundle, entry.version(), feature);
        if (wrong != null) {
            Files.deleteIfExists(jar);
            throw ApiException.badRequest("wrong-bundle", wrong);
        }
        List<SystemDecisions.Dependency> dependencies = new ArrayList<>();
        List<SystemDecisions.BundleLine> bundles = new ArrayList<>();
        String description;
        if (current != null) {
            if (!current.getConfigurations().isEmpty() || !current.getConfigurationFiles().isEmpty()
                    || !current.getConditional().isEmpty()) {
                Files.deleteIfExists(jar);
                throw ApiException.badRequest("feature-not-upgradable", feature + " carries configuration or conditional"
                        + " parts that a live upgrade does not carry over: upgrade the labd distribution for it");
            }
            for (Dependency d : current.getDependencies()) {
                dependencies.add(new SystemDecisions.Dependency(d.getName(), d.hasVersion() ? d.getVersion() : null,
                        d.isPrerequisite(), d.isDependency()));
            }
            for (BundleInfo b : current.getBundles()) {
                bundles.add(b.isDependency() ? new SystemDecisions.BundleLine(b.getLocation(), b.getStartLevel(), true)
                        : new SystemDecisions.BundleLine(jar.toUri().toString(), b.getStartLevel(), false));
            }
            description = current.getDescription();
        } else {
            // a capability new to this labd: the features its bundle's own headers say it builds on
            dependencies.add(new SystemDecisions.Dependency("labd-web", null, false, false));
            if (manifest.schema()) {
                dependencies.add(new SystemDecisions.Dependency("labd-persistence", null, false, false));
            }
            if (manifest.commands()) {
                dependencies.add(new SystemDecisions.Dependency("labd-shell", null, false, false));
            }
            bundles.add(new SystemDecisions.BundleLine(jar.toUri().toString(), 0, false));
            description = feature + " " + to + " from labd's repository";
        }
        Path xml = folder.resolve(stem + "-features.xml");
        Files.writeString(xml, SystemDecisions.featuresXml("labd-system-" + stem, feature, to, description, dependencies,
                bundles));
        URI uri = xml.toUri();
        Prepared prepared = new Prepared(to, SystemChange.FROM_REPOSITORY, manifest.symbolicName(), entry.sha256(), uri,
                List.of(jar, xml));
        try {
            if (features.getRepository(uri) == null) {
                features.addRepository(uri, false);
            }
        } catch (Exception e) {
            forget(prepared);
            throw ApiException.conflict("feature-not-installable", "Karaf refuses the feature made from the repository's"
                    + " jar: " + firstLine(e));
        }
        return prepared;
    }

    /** Karaf replaces the running version with the new one; unhealthy in time: the old one is put back. */
    private SystemChange.Result replace(String feature, String from, Prepared to, long start,
                                        ProgressStream.Sink progress) {
        try {
            features.installFeature(feature, to.version(), UPGRADE_OPTIONS);
            refreshRemovalPending();
        } catch (Exception e) {
            String back = ensureInstalled(feature, from);
            forget(to);
            throw ApiException.conflict("feature-not-installable", feature + " " + to.version() + " cannot be installed: "
                    + firstLine(e) + "; " + back);
        }
        progress.accept(Progress.step("installed", feature + " " + to.version() + " installed by Karaf in place of "
                + from));
        String unhealthy = awaitHealthy(feature, to.version(), health, progress);
        if (unhealthy == null) {
            progress.accept(Progress.step("healthy", feature + " " + to.version() + " is active"));
            LOG.info("labd capability {} upgraded from {} to {} ({})", feature, from, to.version(), to.source());
            return result(feature, from, to.version(), SystemChange.UPGRADED, to.bundle(), to.sha256(), to.source(),
                    millis(start), "upgraded from " + from + " to " + to.version() + "; active");
        }
        LOG.warn("labd capability {} {} is not healthy ({}): putting {} back", feature, to.version(), unhealthy, from);
        progress.accept(Progress.step("rolling-back", to.version() + " is not healthy (" + unhealthy + "): putting "
                + from + " back"));
        String back;
        try {
            features.installFeature(feature, from, UPGRADE_OPTIONS);
            refreshRemovalPending();
            String stillBad = awaitHealthy(feature, from, HEALTH_AGAIN, ProgressStream.Sink.NONE);
            back = stillBad == null ? from + " runs again" : from + " is back but not yet healthy: " + stillBad
                    + " (labctl system features)";
        } catch (Exception e) {
            back = "putting " + from + " back failed too: " + firstLine(e) + " (labctl system features)";
        }
        forget(to);
        return result(feature, from, from, SystemChange.ROLLED_BACK, to.bundle(), to.sha256(), to.source(),
                millis(start), "version " + to.version() + " is not healthy (" + unhealthy + "); " + back);
    }

    private static String fetched(String feature, Prepared prepared) {
        return feature + " " + prepared.version() + (prepared.sha256() == null ? ", known to Karaf"
                : " from labd's repository, SHA-256 " + prepared.sha256() + " checked") + (prepared.bundle() == null
                ? "" : " (" + prepared.bundle() + ")");
    }

    /** After a failed install: the old version must still be installed; say so, or put it back. */
    private String ensureInstalled(String feature, String version) {
        try {
            Feature f = features.getFeature(feature, version);
            if (f != null && features.isInstalled(f)) {
                return "nothing was changed, " + version + " runs on";
            }
            features.installFeature(feature, version, UPGRADE_OPTIONS);
            refreshRemovalPending();
            return version + " was put back";
        } catch (Exception e) {
            return "putting " + version + " back failed too: " + firstLine(e);
        }
    }

    /**
     * Refreshes the bundles a change left removal-pending (an old version that others still import from) with what
     * is wired to them, and nothing else; waits for the framework to finish (bounded).
     */
    private void refreshRemovalPending() throws InterruptedException {
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        java.util.Collection<Bundle> pending = wiring.getRemovalPendingBundles();
        if (pending.isEmpty()) {
            return;
        }
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        LOG.info("refreshing {} and the bundles wired to them", pending);
        wiring.refreshBundles(pending, event -> done.countDown());
        if (!done.await(REFRESH.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
            LOG.warn("the refresh of {} did not end within {} s", pending, REFRESH.toSeconds());
        }
    }

    /** null once active; otherwise, when the time is up, why not. A failed state may be passing: it is awaited too. */
    private String awaitHealthy(String feature, String version, Duration within, ProgressStream.Sink progress) {
        progress.accept(Progress.step("health", "waiting up to " + within.toSeconds() + " s for " + feature + " "
                + version + " to be active (bundles active, components satisfied, schema migrated)"));
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            CapabilityInfo state;
            try {
                state = states.state(feature, version);
            } catch (Exception e) {
                state = new CapabilityInfo(feature, version, CapabilityInfo.FAILED, firstLine(e), null, null);
            }
            if (CapabilityInfo.ACTIVE.equals(state.state())) {
                return null;
            }
            if (System.nanoTime() > deadline) {
                return state.state() + (state.reason() == null ? "" : ": " + state.reason());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted: labd is stopping";
            }
        }
    }

    /** Copies the entry into the file, its SHA-256 checked against the one the repository recorded at push. */
    private void fetch(BundleRepository repository, RepoEntry entry, Path jar) throws IOException {
        try (InputStream in = repository.open(entry.name(), entry.version())) {
            String mismatch = SystemDecisions.copyChecked(in, jar, entry.sha256());
            if (mismatch != null) {
                throw ApiException.conflict("digest-mismatch", "the repository's " + entry.name() + " " + entry.version()
                        + " reads with SHA-256 " + mismatch + ", not the " + entry.sha256() + " recorded when it was"
                        + " pushed: its content changed; nothing was installed (remove and push it again)");
            }
        }
    }

    /** Takes a prepared version that will not run out of Karaf's repositories and off the disk. */
    private void forget(Prepared prepared) {
        if (prepared.repositoryUri() != null) {
            try {
                features.removeRepository(prepared.repositoryUri(), false);
            } catch (Exception e) {
                LOG.warn("cannot remove the features repository {}: {}", prepared.repositoryUri(), e.getMessage());
            }
        }
        for (Path f : prepared.files()) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                LOG.warn("cannot remove {}: {}", f, e.getMessage());
            }
        }
    }

    private Feature installed(String feature) throws Exception {
        for (Feature f : features.listInstalledFeatures()) {
            if (f.getName().equals(feature)) {
                return f;
            }
        }
        return null;
    }

    private Feature newestKnown(String feature) throws Exception {
        Feature newest = null;
        for (Feature f : features.getFeatures(feature)) {
            if (newest == null || org.osgi.framework.Version.parseVersion(f.getVersion())
                    .compareTo(org.osgi.framework.Version.parseVersion(newest.getVersion())) > 0) {
                newest = f;
            }
        }
        return newest;
    }

    /** The capability's own bundle (not a library it pulls in); a live upgrade replaces exactly one. */
    private String ownBundle(Feature f) {
        List<BundleInfo> own = f.getBundles().stream().filter(b -> !b.isDependency()).toList();
        if (own.size() != 1) {
            throw ApiException.badRequest("feature-has-several-bundles", f.getName() + " is made of " + own.size()
                    + " bundles of its own; a live upgrade replaces one: upgrade the labd distribution for it");
        }
        Bundle b = context.getBundle(own.get(0).getLocation());
        return b != null ? b.getSymbolicName() : own.get(0).getLocation();
    }

    private String checkedName(SystemChange.Request request) {
        String feature = request == null ? null : SystemDecisions.fullName(request.feature());
        String invalid = SystemDecisions.invalidName(feature);
        if (invalid != null) {
            throw ApiException.badRequest("invalid-feature", invalid);
        }
        return feature;
    }

    interface Work {
        /** repository: labd's bundle repository, null when it is not running. */
        SystemChange.Result run(BundleRepository repository) throws Exception;
    }

    /** One change at a time; its own audit row (what was asked, what ran before and after, the digest), refusals too. */
    private SystemChange.Result audited(Identity caller, String verb, SystemChange.Request request, Work work) {
        ServiceReference<AuditWriter> auditRef = this.audit;
        AuditWriter audit = auditRef == null ? null : context.getService(auditRef);
        if (audit == null) {
            throw ApiException.unavailable("audit-unavailable", "the audit trail is not running, so labd changes none of"
                    + " its capabilities (none could be recorded): install labd-audit");
        }
        ServiceReference<BundleRepository> repositoryRef = this.repository;
        BundleRepository repository = repositoryRef == null ? null : context.getService(repositoryRef);
        try {
            return audited(audit, repository, caller, verb, request, work);
        } finally {
            if (repository != null) {
                context.ungetService(repositoryRef);
            }
            context.ungetService(auditRef);
        }
    }

    private SystemChange.Result audited(AuditWriter audit, BundleRepository repository, Identity caller, String verb,
                                        SystemChange.Request request, Work work) {
        long start = System.nanoTime();
        String feature = request == null || request.feature() == null ? "?" : SystemDecisions.fullName(request.feature());
        AuditWriter.Event event = new AuditWriter.Event(caller.kind() == Identity.Kind.USER ? caller.name()
                : caller.toString(), null, SOURCE, verb, "/v1/system/features/" + feature);
        if (!oneAtATime.tryLock()) {
            ApiException busy = ApiException.conflict("system-change-running", "another system change is running on this"
                    + " labd; try again when it has ended");
            audit.record(event, AuditEntry.FAILED, 0L, busy.getMessage(), verb + " " + feature + ": refused");
            throw busy;
        }
        try {
            SystemChange.Result r = work.run(repository);
            boolean ok = r.done();
            audit.record(event, ok ? AuditEntry.OK : AuditEntry.FAILED, millis(start), ok ? null : r.message(),
                    feature + " " + r.from() + " -> " + r.to() + (r.sha256() == null ? "" : " sha256:" + r.sha256())
                            + (r.source() == null ? "" : " from " + r.source()) + ": " + r.result());
            return r;
        } catch (ApiException e) {
            audit.record(event, AuditEntry.FAILED, millis(start), e.getMessage(), verb + " " + feature
                    + (request == null || request.version() == null ? "" : " " + request.version()) + ": refused (" + e.code()
                    + ")");
            throw e;
        } catch (Exception e) {
            LOG.error("{} of {} failed", verb, feature, e);
            audit.record(event, AuditEntry.FAILED, millis(start), firstLine(e), verb + " " + feature + ": failed");
            throw new ApiException(500, "system-change-failed", verb + " of " + feature + " failed: " + firstLine(e)
                    + " (labd's log has the rest)");
        } finally {
            oneAtATime.unlock();
        }
    }

    private static SystemChange.Result result(String feature, String from, String to, String result, String bundle,
                                              String sha256, String source, long millis, String message) {
        return new SystemChange.Result(feature, from, to, result, bundle, sha256, source, millis, message);
    }

    private static String osgi(String version) {
        try {
            return SystemDecisions.osgi(version);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-version", "'" + version + "' is not a version (e.g. 0.2.0)");
        }
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.lines().findFirst().orElse(m).strip();
    }
}
