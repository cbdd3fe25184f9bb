package io.labctl.kube.internal;

import io.labctl.api.kube.ClusterKubeconfigs;
import java.util.Optional;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.Sealer;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.environments.Environments;
import io.labctl.api.web.Caller;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.persistence.Sessions;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Names;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.kube.ClusterInfo;
import io.labctl.protocol.kube.ClusterSpec;
import io.labctl.protocol.kube.Kubeconfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Registered Kubernetes clusters. A cluster's kubeconfig (one context, credentials inlined) is sealed with labd's
 * master key (purpose {@code kubeconfig:NAME}) before it reaches the database and is opened only to reach its API
 * server; nothing labd answers or logs holds it. Adding and removing need admin everywhere; reading a cluster needs
 * read on {@code CLOUD:ENV:cluster/NAME}. What labd shows of a cluster's health it asks the API server just then.
 */
@Component(service = {ClusterService.class, ClusterKubeconfigs.class}, configurationPid = "io.labctl.kube",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = KubeConfig.class)
public final class ClusterService implements ClusterKubeconfigs {
    static final Permission ADMIN = Permission.everywhere(Action.ADMIN);

    private final Sealer sealer;
    private final Sessions sessions;
    private final Duration timeout;
    private final ExecutorService probes;
    private final Map<String, Upstream> upstreams = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AccessDecisions decisions;

    /** A cluster names an existing environment and takes its cloud; without the service no cluster is added. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile Environments environments;

    @Activate
    public ClusterService(@Reference Database database, @Reference Sealer sealer,
            @Reference(target = "(labctl.schema=kube)") Schema schema, KubeConfig config) {
        this(database, sealer, Duration.ofSeconds(Math.max(1, config.probeTimeoutSeconds())),
                Math.max(1, config.probeParallelism()));
    }

    ClusterService(Database database, Sealer sealer, Duration timeout, int parallelism) {
        this.sealer = sealer;
        this.sessions = database.sessions(KubeMapper.class);
        this.timeout = timeout;
        AtomicInteger threads = new AtomicInteger();
        this.probes = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "labd-kube-probe-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Deactivate
    void stop() {
        probes.shutdownNow();
    }

    public ClusterInfo add(Identity caller, ClusterSpec spec) {
        access().require(caller, ADMIN);
        if (spec == null) {
            throw ApiException.badRequest("missing-body", "send a JSON cluster: name, environment, kubeconfig");
        }
        String name;
        Kubeconfig.Context context;
        String environment;
        String cloud;
        ApiServer server;
        try {
            name = ClusterInfo.requireName(spec.name());
            environment = Names.require("environment", spec.environment());
            context = Kubeconfig.select(spec.kubeconfig(), null, null);
            server = ApiServer.of(context, timeout);
            cloud = Environments.present(environments).cloudOf(environment, spec.cloud());
        } catch (InvalidInput e) {
            throw ApiException.badRequest(e.code(), e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-cluster", e.getMessage());
        }
        if (sessions.mapper(KubeMapper.class, m -> m.cluster(name)) != null) {
            throw exists(name);
        }
        ApiServer.Probe probe = null;
        if (!Boolean.FALSE.equals(spec.verify())) {
            probe = server.probe();
            if (!probe.reachable()) {
                throw ApiException.badRequest("cluster-unreachable", "cluster " + name + " was not added: "
                        + probe.reason() + ". Fix the kubeconfig, or add it anyway with --no-verify");
            }
        }
        ClusterRow row = new ClusterRow();
        row.name = name;
        row.environment = environment;
        row.cloud = cloud;
        row.server = context.server();
        row.context = context.name();
        row.auth = context.auth();
        row.sealed = sealer.seal(Kubeconfig.minify(context).getBytes(StandardCharsets.UTF_8), purpose(name));
        row.addedBy = caller.name();
        row.impersonate = probe != null && probe.impersonates();
        if (sessions.mapper(KubeMapper.class, m -> m.insertCluster(row)) == 0) {
            throw exists(name);
        }
        ClusterInfo added = info(sessions.mapper(KubeMapper.class, m -> m.cluster(name)));
        return probe == null ? added : added.probed(true, probe.version(), null);
    }

    /** The clusters the caller may read, each with what its API server answers now (asked in parallel). */
    public List<ClusterInfo> list(Caller caller) {
        List<ClusterRow> rows = sessions.mapper(KubeMapper.class, KubeMapper::clusters).stream()
                .filter(r -> caller.may(on(Action.READ, r))).toList();
        List<Future<ClusterInfo>> answers = new ArrayList<>();
        for (ClusterRow r : rows) {
            answers.add(probes.submit(() -> probed(r)));
        }
        List<ClusterInfo> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            try {
                out.add(answers.get(i).get(timeout.toMillis() * 3, TimeUnit.MILLISECONDS));
            } catch (Exception e) {
                answers.get(i).cancel(true);
                out.add(info(rows.get(i)).probed(false, null, "not checked: " + e));
            }
        }
        return out;
    }

    public ClusterInfo get(Caller caller, String name) {
        ClusterRow row = row(name);
        caller.require(on(Action.READ, row));
        return probed(row);
    }

    public ClusterInfo remove(Identity caller, String name) {
        access().require(caller, ADMIN);
        ClusterRow row = row(name);
        if (sessions.mapper(KubeMapper.class, m -> m.deleteCluster(name)) == 0) {
            throw notFound(name);
        }
        return info(row);
    }

    /** A cluster as the proxy reaches it: its record and its API server (client kept while the record is the same). */
    record Upstream(ClusterRow row, ApiServer server) {}

    /**
     * A cluster's record and a client for its API server, made once per record (a cluster removed and added again
     * is a new record), so that the proxy reuses connections instead of a TLS handshake per request.
     */
    Upstream upstream(ClusterRow row) {
        String key = row.name + "@" + row.addedAt;
        Upstream kept = upstreams.get(key);
        if (kept == null) {
            kept = new Upstream(row, ApiServer.of(open(row), timeout));
            upstreams.keySet().removeIf(k -> k.startsWith(row.name + "@"));
            upstreams.put(key, kept);
        }
        return kept;
    }

    @Override
    public Optional<String> kubeconfig(String cluster, String environment) {
        try {
            ClusterInfo.requireName(cluster);
        } catch (InvalidInput e) {
            return Optional.empty();
        }
        ClusterRow row = sessions.mapper(KubeMapper.class, m -> m.cluster(cluster));
        if (row == null || !row.environment.equals(environment)) {
            return Optional.empty();
        }
        return Optional.of(new String(sealer.open(row.sealed, purpose(row.name)), StandardCharsets.UTF_8));
    }

    /** The cluster's kubeconfig context, opened: only to reach its API server, never returned to a caller. */
    Kubeconfig.Context open(String name) {
        return open(row(name));
    }

    private Kubeconfig.Context open(ClusterRow row) {
        return Kubeconfig.select(new String(sealer.open(row.sealed, purpose(row.name)), StandardCharsets.UTF_8), null,
                null);
    }

    /** The request for an action on a cluster: its cloud and environment from its record, never from the caller. */
    static Permission on(Action action, ClusterRow row) {
        return Permission.on(action, row.cloud, row.environment, Permission.CLUSTER + row.name);
    }

    private ClusterInfo probed(ClusterRow row) {
        ApiServer.Probe p;
        try {
            p = ApiServer.of(open(row), timeout).probe();
        } catch (IllegalArgumentException | IllegalStateException e) {
            p = ApiServer.Probe.unreachable("its stored kubeconfig cannot be used: " + e.getMessage());
        }
        return info(row).probed(p.reachable(), p.version(), p.reason());
    }

    ClusterRow row(String name) {
        try {
            ClusterInfo.requireName(name);
        } catch (InvalidInput e) {
            throw ApiException.badRequest(e.code(), e.getMessage());
        }
        ClusterRow row = sessions.mapper(KubeMapper.class, m -> m.cluster(name));
        if (row == null) {
            throw notFound(name);
        }
        return row;
    }

    static String purpose(String name) {
        return "kubeconfig:" + name;
    }

    private static ApiException exists(String name) {
        return ApiException.conflict("cluster-exists", "a cluster named " + name + " exists already: remove it first"
                + " (labctl clusters remove " + name + ") or choose another name");
    }

    private static ApiException notFound(String name) {
        return ApiException.notFound("cluster-not-found", "no cluster named " + name + "; see 'labctl clusters list'");
    }

    private static ClusterInfo info(ClusterRow r) {
        return new ClusterInfo(r.name, r.environment, r.cloud, r.server, r.context, r.auth, null, null, null, r.addedBy,
                r.addedAt, r.impersonate ? ClusterInfo.USER_PREFIX + "<user> (group " + ClusterInfo.USERS_GROUP + ")"
                : "none");
    }

    private AccessDecisions access() {
        return AccessDecisions.present(decisions);
    }
}
