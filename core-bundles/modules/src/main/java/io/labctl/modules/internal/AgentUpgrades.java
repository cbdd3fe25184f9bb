package io.labctl.modules.internal;

import io.labctl.api.AgentChannels;
import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.ServerRegistry;
import io.labctl.api.audit.AuditWriter;
import io.labctl.api.repository.BundleRepository;
import io.labctl.api.web.ProgressStream;
import io.labctl.protocol.AgentCapability;
import io.labctl.protocol.AgentUpgrade;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Json;
import io.labctl.protocol.Progress;
import io.labctl.protocol.Selector;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.modules.ApplyEvent;
import io.labctl.protocol.modules.RepoEntry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code labctl agents upgrade}: one capability bundle to a version from labd's repository on the agents a selector
 * names, batch after batch ({@link Rollout}, {@link Batches}), each agent over its {@value AgentUpgrade#KIND} stream.
 * The bundle is the one the agents report under the feature; the repository entry is NAME = the feature's full name
 * ({@code lab-agent-logs}), VERSION = the version asked for, and the agents check its SHA-256. One audit row per agent with the digest.
 */
@Component(service = AgentUpgrades.class)
public class AgentUpgrades {
    static final String VERB = "agent.upgrade";
    static final int PARALLELISM = 8;
    static final Duration TIMEOUT = Duration.ofMinutes(3);  // fetch, start and health; the drain comes on top
    /** How long labd waits for an agent whose core is replaced to connect again and report the new version. */
    static final Duration CORE_RECONNECT = Duration.ofSeconds(60);

    private final ServerRegistry registry;
    private final BundleRepository repository;
    private final AgentChannels channels;
    private final AuditWriter audit;

    @Activate
    public AgentUpgrades(@Reference ServerRegistry registry, @Reference BundleRepository repository,
                         @Reference AgentChannels channels, @Reference AuditWriter audit) {
        this.registry = registry;
        this.repository = repository;
        this.channels = channels;
        this.audit = audit;
    }

    AgentUpgrade.Result upgrade(Identity caller, AgentUpgrade.Request request) {
        return upgrade(caller, request, ProgressStream.Sink.NONE);
    }

    /** Refusals are thrown before the first event; then one event per batch, agent start and agent result. */
    AgentUpgrade.Result upgrade(Identity caller, AgentUpgrade.Request request, ProgressStream.Sink progress) {
        if (request == null || blank(request.feature()) || blank(request.version()) || blank(request.selector())) {
            throw ApiException.badRequest("invalid-upgrade", "give the feature, the version and a selector: labctl agents"
                    + " upgrade --feature lab-agent-logs --to 0.2.0 -l role=web");
        }
        Selector selector;
        try {
            selector = Selector.parse(request.selector());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-selector", e.getMessage());
        }
        List<ServerInfo> servers = registry.list(caller, selector);
        if (servers.isEmpty()) {
            throw ApiException.notFound("no-servers", "no server matches '" + selector + "'; see labctl get servers -l '"
                    + selector + "'");
        }
        Target target = targetOf(request.feature(), servers);
        String bundle = target.bundle();
        RepoEntry entry = repository.find(target.feature(), request.version()).orElseThrow(() -> ApiException.notFound(
                "version-not-in-repository", target.feature() + " " + request.version() + " is not in labd's repository;"
                        + " push the bundle " + bundle + " at that version first: labctl repo push " + bundle + "-"
                        + request.version() + ".jar --name " + target.feature() + " --version " + request.version()));
        int batch;
        int maxFailures;
        try {
            batch = Batches.size(request.batch(), servers.size());
            maxFailures = Batches.maxFailures(request.maxFailures());
            if (request.drainSeconds() != null && (request.drainSeconds() < 0 || request.drainSeconds() > 3600)) {
                throw new InvalidInput("invalid-drain", "drain", "drain " + request.drainSeconds() + " s is not between"
                        + " 0 and 3600");
            }
        } catch (InvalidInput e) {
            throw ApiException.badRequest(e.code(), e.getMessage());
        }

        return run(caller, request, servers, target, entry, batch, maxFailures, progress);
    }

    /**
     * Everything is checked: from here on each agent's outcome is an event as it is known, and audited. A client that
     * goes away does not stop the batch that runs (its agents end and are audited); the batches after it are not
     * started (not-run, audited with the reason), since nobody would see how they went.
     */
    private AgentUpgrade.Result run(Identity caller, AgentUpgrade.Request request, List<ServerInfo> servers, Target target,
                                   RepoEntry entry, int batch, int maxFailures, ProgressStream.Sink progress) {
        String bundle = target.bundle();
        List<String> names = servers.stream().map(ServerInfo::name).toList();
        progress.accept(Progress.step("resolved", target.feature() + " (" + bundle + ") to " + request.version()
                + " on " + names.size() + " server(s), " + batch + " at a time, at most " + maxFailures
                + " failure(s) tolerated"));
        Map<String, AgentUpgrade.ServerResult> results = new ConcurrentHashMap<>();
        List<AgentUpgrade.ServerResult> order = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<String> stop = new AtomicReference<>();
        Rollout.Events.Batches batches = (number, of, members) -> {
            if (number > 1 && progress.clientGone()) {
                stop.compareAndSet(null, "the client went away; labd finished batch " + (number - 1) + " of " + of
                        + " and started no more");
            }
            progress.accept(Progress.batch(number, of, String.join(", ", members)));
        };
        Rollout.Events events = new Rollout.Events(event -> {
            if (ApplyEvent.RESULT.equals(event.type()) || ApplyEvent.EXCLUDED.equals(event.type())
                    || ApplyEvent.DENIED.equals(event.type())) {
                AgentUpgrade.ServerResult r = results.get(event.server());
                if (r == null) {  // not started: past --max-failures, or the client went away
                    r = new AgentUpgrade.ServerResult(event.server(), AgentUpgrade.NOT_RUN, null, request.version(), 0,
                            event.message());
                    audit(caller, event.server(), bundle, entry, r, 0);
                }
                order.add(r);
                progress.accept(Progress.result(event.server(), r, event.done(), event.total()));
            }
        }, names.size(), batches);
        new Rollout(PARALLELISM).run(names, batch, maxFailures, server -> {
            progress.accept(Progress.start(server, "upgrading " + bundle + " to " + request.version()));
            AgentUpgrade.ServerResult r = one(caller, server, bundle, entry, request.drainSeconds());
            results.put(server, r);
            boolean failed = AgentUpgrade.FAILED.equals(r.result()) || AgentUpgrade.ROLLED_BACK.equals(r.result());
            return new Outcome(server, null, null, r.message(), failed, AgentUpgrade.OFFLINE.equals(r.result()));
        }, server -> { }, server -> stop.get(), events);
        int[] counts = new int[6];
        List<String> kinds = List.of(AgentUpgrade.UPGRADED, AgentUpgrade.UNCHANGED, AgentUpgrade.FAILED,
                AgentUpgrade.NOT_RUN, AgentUpgrade.OFFLINE, AgentUpgrade.ROLLED_BACK);
        for (AgentUpgrade.ServerResult r : order) {
            counts[kinds.indexOf(r.result())]++;
        }
        return new AgentUpgrade.Result(target.feature(), bundle, request.version(), List.copyOf(order), counts[0],
                counts[1], counts[2] + counts[5], counts[3], counts[4]);
    }

    /** A feature's full name and its one bundle's symbolic name. */
    record Target(String feature, String bundle) {}

    /** The feature (asked by its full or short name) and the one bundle the servers report under it. */
    static Target targetOf(String feature, List<ServerInfo> servers) {
        Set<String> bundles = new TreeSet<>();
        String full = null;
        for (ServerInfo s : servers) {
            if (s.facts() == null || s.facts().capabilities() == null) {
                continue;
            }
            for (AgentCapability c : s.facts().capabilities()) {
                if (c.feature() != null && (feature.equals(c.feature()) || feature.equals(c.shortName()))) {
                    bundles.add(c.bundle());
                    full = c.feature();
                }
            }
        }
        if (bundles.isEmpty()) {
            throw ApiException.notFound("feature-not-reported", "no agent among the selected servers reports the feature '"
                    + feature + "' (labctl agents versions lists what they run)");
        }
        if (bundles.size() > 1) {
            throw ApiException.badRequest("feature-has-several-bundles", "feature '" + feature + "' is made of "
                    + String.join(", ", bundles) + "; live upgrades replace one bundle: upgrade a one-bundle feature"
                    + " or update the lab-agent distribution");
        }
        return new Target(full, bundles.iterator().next());
    }

    private AgentUpgrade.ServerResult one(Identity caller, String server, String bundle, RepoEntry entry,
                                          Integer drainSeconds) {
        long start = System.nanoTime();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", entry.name());
        params.put("bundle", bundle);
        params.put("version", entry.version());
        params.put("sha256", entry.sha256());
        if (drainSeconds != null) {
            params.put("drainSeconds", drainSeconds);
        }
        AgentUpgrade.ServerResult result;
        java.time.Instant connection = channels.connectedAt(server);
        try {
            AgentChannels.Reply reply = channels.call(server, AgentUpgrade.KIND, params, 64 * 1024,
                    TIMEOUT.plusSeconds(drainSeconds == null ? 60 : drainSeconds)).get();
            AgentUpgrade.Report report = Json.json().readValue(reply.output(), AgentUpgrade.Report.class);
            result = AgentUpgrade.REPLACING.equals(report.result()) ? reconnected(server, report, connection)
                    : new AgentUpgrade.ServerResult(server, report.result(), report.from(), report.to(), report.millis(),
                    report.message());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                boolean offline = api.status() == 503 && "server-offline".equals(api.code());
                result = new AgentUpgrade.ServerResult(server, offline ? AgentUpgrade.OFFLINE : AgentUpgrade.FAILED, null,
                        entry.version(), 0, offline ? "not connected to this labd" : api.code() + ": " + api.getMessage());
            } else {
                result = new AgentUpgrade.ServerResult(server, AgentUpgrade.FAILED, null, entry.version(), 0,
                        "the upgrade failed: " + e.getCause());
            }
        } catch (IOException e) {
            result = new AgentUpgrade.ServerResult(server, AgentUpgrade.FAILED, null, entry.version(), 0,
                    "the agent answered with something that is not an upgrade report");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = new AgentUpgrade.ServerResult(server, AgentUpgrade.FAILED, null, entry.version(), 0,
                    "interrupted: labd is stopping");
        }
        audit(caller, server, bundle, entry, result, (System.nanoTime() - start) / 1_000_000);
        return result;
    }

    private void audit(Identity caller, String server, String bundle, RepoEntry entry, AgentUpgrade.ServerResult result,
                       long millis) {
        boolean ok = AgentUpgrade.UPGRADED.equals(result.result()) || AgentUpgrade.UNCHANGED.equals(result.result());
        audit.record(new AuditWriter.Event(ModuleService.auditName(caller), null, ModuleService.SOURCE, VERB,
                        "/v1/servers/" + server), ok ? AuditEntry.OK : AuditEntry.FAILED, millis,
                ok ? null : result.message(), bundle + " " + result.from() + " -> " + entry.version() + " sha256:"
                        + entry.sha256() + ": " + result.result());
    }

    /**
     * The agent is replacing its core: upgraded once it is connected again and reports the new version (its hello
     * carries it); rolled back when it comes back on this labd with the old version (the new core did not start or
     * connect, and the agent put the old one back); failed when neither within {@link #CORE_RECONNECT}.
     */
    private AgentUpgrade.ServerResult reconnected(String server, AgentUpgrade.Report report, java.time.Instant before)
            throws InterruptedException {
        long replyAt = System.nanoTime();
        long deadline = replyAt + CORE_RECONNECT.toNanos();
        long backOld = 0;  // when a new connection with the old version was first seen
        while (System.nanoTime() - deadline < 0) {
            ServerInfo s = registry.find(server).orElse(null);
            String version = s == null || s.facts() == null ? null : s.facts().agentVersion();
            java.time.Instant now = channels.connectedAt(server);
            boolean again = now != null && !now.equals(before);
            if (s != null && ServerInfo.ONLINE.equals(s.status()) && report.to().equals(version)) {
                long ms = (System.nanoTime() - replyAt) / 1_000_000;
                return new AgentUpgrade.ServerResult(server, AgentUpgrade.UPGRADED, report.from(), report.to(),
                        report.millis() + ms, "agent core replaced " + report.from() + " -> " + report.to()
                        + "; connected again and reported " + report.to() + " " + ms + " ms after it answered");
            }
            if (again && report.from().equals(version)) {
                backOld = backOld == 0 ? System.nanoTime() : backOld;
                // its hello's facts are written just after the connection: give them a moment to say the new version
                if (System.nanoTime() - backOld > 2_000_000_000L) {
                    return new AgentUpgrade.ServerResult(server, AgentUpgrade.ROLLED_BACK, report.from(), report.to(),
                            report.millis() + (System.nanoTime() - replyAt) / 1_000_000, "the agent connected again"
                            + " with core " + report.from() + ": the new core " + report.to() + " did not start or"
                            + " connect and was put back, or the agent stopped before replacing it (see its log)");
                }
            }
            Thread.sleep(50);
        }
        return new AgentUpgrade.ServerResult(server, AgentUpgrade.FAILED, report.from(), report.to(), report.millis(),
                "the agent did not connect again with core " + report.to() + " within " + CORE_RECONNECT.toSeconds()
                        + " s (it puts " + report.from() + " back by itself when the new core does not connect)");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
