package io.labctl.environments.internal;

import io.labctl.api.ApiException;
import io.labctl.api.environments.EnvironmentContents;
import io.labctl.api.environments.Environments;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.persistence.Sessions;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Names;
import io.labctl.protocol.environments.CloudInfo;
import io.labctl.protocol.environments.EnvironmentInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Environments and clouds in the database. Access is checked by the callers (the REST resource, and the capabilities
 * that ask before accepting an environment); this service keeps the rules of the records: names unique across
 * clouds, the built-in clouds, no deletion while a capability reports something in the environment.
 */
@Component(service = {Environments.class, EnvironmentService.class})
public final class EnvironmentService implements Environments {
    private static final Logger LOG = LoggerFactory.getLogger(EnvironmentService.class);
    /** Names of each kind shown by describe and by a refused delete. */
    static final int SHOWN = 20;
    /**
     * Tables of other capabilities that named environments before they were records: table, cloud expression (a
     * constant of this class, never input), and the capability. A bastion's environment goes under baremetal.
     */
    static final List<String[]> SOURCES = List.of(
            new String[] {"join_tokens", "cloud", "cloud,environment"},
            new String[] {"servers", "CASE WHEN role = 'bastion' THEN '" + BAREMETAL + "' ELSE cloud END",
                "cloud,environment,role"},
            new String[] {"kube_clusters", "cloud", "cloud,environment"},
            new String[] {"machines", "NULL", "environment"});
    static final String ADOPTION = "adopt-v1";

    private final Database database;
    private final Sessions sessions;
    private final List<EnvironmentContents> contents = new CopyOnWriteArrayList<>();

    @Activate
    public EnvironmentService(@Reference Database database,
            @Reference(target = "(labctl.schema=environments)") Schema schema) {
        this.database = database;
        this.sessions = database.sessions(EnvironmentMapper.class);
        adopt();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addContents(EnvironmentContents c) {
        contents.add(c);
    }

    void removeContents(EnvironmentContents c) {
        contents.remove(c);
    }

    @Override
    public Optional<EnvironmentInfo> find(String name) {
        if (!Names.valid(name)) {
            return Optional.empty();
        }
        return Optional.ofNullable(sessions.mapper(EnvironmentMapper.class, m -> m.environment(name)))
                .map(EnvironmentService::info);
    }

    @Override
    public EnvironmentInfo require(String name) {
        return find(name).orElseThrow(() -> unknown(name));
    }

    @Override
    public String cloudOf(String environment, String cloud) {
        boolean noEnv = environment == null || environment.isBlank();
        boolean noCloud = cloud == null || cloud.isBlank();
        if (noEnv) {
            if (noCloud) {
                return null;
            }
            String c = cloud.strip();
            if (!Names.valid(c) || sessions.mapper(EnvironmentMapper.class, m -> m.cloud(c)) == null) {
                throw ApiException.badRequest("unknown-cloud", "cloud '" + c + "' does not exist; see 'labctl get"
                        + " clouds' (a cloud comes with its first environment: labctl create environment NAME --cloud "
                        + c + ")");
            }
            return c;
        }
        EnvironmentInfo env = require(environment.strip());
        if (!noCloud && !env.cloud().equals(cloud.strip())) {
            throw ApiException.badRequest("cloud-mismatch", "environment " + env.name() + " is under cloud "
                    + env.cloud() + ", not " + cloud.strip() + ": leave --cloud out (the environment's cloud is used)"
                    + " or name the environment of cloud " + cloud.strip());
        }
        return env.cloud();
    }

    @Override
    public List<EnvironmentInfo> list() {
        return sessions.mapper(EnvironmentMapper.class, EnvironmentMapper::environments).stream()
                .map(EnvironmentService::info).toList();
    }

    public List<CloudInfo> clouds() {
        Map<String, List<String>> byCloud = new LinkedHashMap<>();
        for (EnvironmentInfo e : list()) {
            byCloud.computeIfAbsent(e.cloud(), k -> new ArrayList<>()).add(e.name());
        }
        return sessions.mapper(EnvironmentMapper.class, EnvironmentMapper::clouds).stream()
                .map(c -> new CloudInfo(c.name, c.builtin, List.copyOf(byCloud.getOrDefault(c.name, List.of()))))
                .toList();
    }

    /** Creates an environment (and its cloud, when it is the cloud's first); 409 when the name exists anywhere. */
    public EnvironmentInfo create(String name, String cloud, String by) {
        String n = validName("environment", name);
        String c = validName("cloud", cloud);
        boolean inserted = database.transaction(() -> sessions.with(s -> {
            EnvironmentMapper m = s.getMapper(EnvironmentMapper.class);
            m.insertCloud(c);
            return m.insertEnvironment(n, c, by) == 1;
        }));
        if (!inserted) {
            EnvironmentInfo there = require(n);
            throw ApiException.conflict("environment-exists", "environment " + n + " exists already (under cloud "
                    + there.cloud() + "); environment names are unique across clouds: choose another name");
        }
        return require(n);
    }

    @Override
    public EnvironmentInfo ensure(String name, String cloud, String by) {
        validName("environment", name);
        validName("cloud", cloud);
        Optional<EnvironmentInfo> there = find(name);
        if (there.isPresent()) {
            if (!there.get().cloud().equals(cloud)) {
                throw ApiException.conflict("environment-in-other-cloud", "environment " + name + " is under cloud "
                        + there.get().cloud() + ", not " + cloud + "; environment names are unique across clouds:"
                        + " choose another name");
            }
            return there.get();
        }
        try {
            return create(name, cloud, by);
        } catch (ApiException e) {
            if (e.status() != 409) {
                throw e;
            }
            return ensure(name, cloud, by);   // made meanwhile (by another labd): check its cloud once more
        }
    }

    /** The environment with what every capability reports in it. */
    public EnvironmentInfo describe(String name) {
        String n = validName("environment", name);
        EnvironmentInfo env = find(n).orElseThrow(() -> notFound(n));
        return env.with(contentsOf(n));
    }

    /**
     * Deletes an empty environment. Refused (409) while any capability reports something in it, naming what;
     * deletion then happens in one statement, so what a capability adds meanwhile is checked by it (it needs the
     * environment to exist).
     */
    public EnvironmentInfo delete(String name) {
        EnvironmentInfo env = describe(name);
        List<EnvironmentInfo.Contents> in = env.contents().stream().filter(c -> c.count() > 0).toList();
        if (!in.isEmpty()) {
            StringBuilder what = new StringBuilder();
            for (EnvironmentInfo.Contents c : in) {
                what.append(what.isEmpty() ? "" : "; ").append(c.count()).append(' ').append(c.kind()).append(" (")
                        .append(String.join(", ", c.names())).append(c.count() > c.names().size() ? ", ..." : "")
                        .append(')');
            }
            throw ApiException.conflict("environment-not-empty", "environment " + env.name() + " was not deleted: "
                    + "it holds " + what + ". Remove or move them first (labctl describe environment/" + env.name()
                    + ")");
        }
        database.transaction(() -> sessions.with(s -> {
            EnvironmentMapper m = s.getMapper(EnvironmentMapper.class);
            m.deleteEnvironment(env.name());
            m.deleteCloudIfEmpty(env.cloud());
            return null;
        }));
        return env;
    }

    private List<EnvironmentInfo.Contents> contentsOf(String name) {
        List<EnvironmentInfo.Contents> out = new ArrayList<>();
        for (EnvironmentContents c : contents) {
            try {
                out.addAll(c.in(name, SHOWN));
            } catch (RuntimeException e) {
                // a capability that cannot answer must not make an environment look empty
                throw ApiException.unavailable("environment-contents-unavailable", "could not learn what is in"
                        + " environment " + name + ": " + e.getMessage() + "; try again");
            }
        }
        out.sort(Comparator.comparing(EnvironmentInfo.Contents::kind));
        return out;
    }

    /**
     * Once per database: one environment per environment name that tokens, servers, clusters and machines used before
     * environments were records. A name used under two clouds goes to the cloud most of its rows name (ties: the
     * first cloud by name); the other rows keep the cloud they name, and the choice is logged and kept in
     * environment_adoptions.notes.
     */
    void adopt() {
        try {
            adoptOnce();
        } catch (RuntimeException e) {
            // environments work without it; the pass rolled back whole and runs again at the next start
            LOG.error("environments: could not adopt the environments already in use (tried again at the next"
                    + " start): {}", e.toString());
        }
    }

    private void adoptOnce() {
        database.transaction(() -> sessions.with(s -> {
            EnvironmentMapper m = s.getMapper(EnvironmentMapper.class);
            if (m.startAdoption(ADOPTION) == 0) {
                return null;
            }
            Map<String, Map<String, Long>> uses = new LinkedHashMap<>();
            for (String[] source : SOURCES) {
                // a table of that name without those columns is someone else's: not read
                if (!m.tableExists(source[0])
                        || m.columnsOf(source[0], List.of(source[2].split(","))) < source[2].split(",").length) {
                    continue;
                }
                for (UsedPair p : m.usedPairs(source[0], source[1], BAREMETAL)) {
                    uses.computeIfAbsent(p.environment, k -> new LinkedHashMap<>()).merge(p.cloud, p.uses, Long::sum);
                }
            }
            int adopted = 0;
            List<String> notes = new ArrayList<>();
            for (Map.Entry<String, Map<String, Long>> e : uses.entrySet()) {
                String env = e.getKey();
                String cloud = e.getValue().entrySet().stream()
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                        .map(Map.Entry::getKey).findFirst().orElseThrow();
                if (!Names.valid(env) || !Names.valid(cloud)) {
                    notes.add("not adopted: environment '" + env + "' of cloud '" + cloud + "' (not a valid name)");
                    continue;
                }
                if (e.getValue().size() > 1) {
                    notes.add("environment " + env + " is used under clouds " + e.getValue().keySet() + ": adopted under "
                            + cloud);
                }
                m.insertCloud(cloud);
                adopted += m.insertEnvironment(env, cloud, "labd (adopted)");
            }
            m.finishAdoption(ADOPTION, adopted, notes.isEmpty() ? null : String.join("\n", notes));
            if (adopted > 0 || !notes.isEmpty()) {
                LOG.info("environments: adopted {} environment(s) already in use{}", adopted,
                        notes.isEmpty() ? "" : "; " + String.join("; ", notes));
            }
            return null;
        }));
    }

    static String validName(String field, String name) {
        try {
            return EnvironmentInfo.requireName(field, name);
        } catch (InvalidInput e) {
            throw ApiException.badRequest(e.code(), e.getMessage());
        }
    }

    static ApiException notFound(String name) {
        return ApiException.notFound("environment-not-found", "no environment named " + name + "; see 'labctl get"
                + " environments'");
    }

    static ApiException unknown(String name) {
        return ApiException.badRequest("unknown-environment", "environment '" + name + "' does not exist: create it"
                + " first (labctl create environment " + name + " --cloud CLOUD) or pick one of 'labctl get"
                + " environments'");
    }

    private static EnvironmentInfo info(EnvironmentRow r) {
        return new EnvironmentInfo(r.name, r.cloud, r.createdBy, r.createdAt, null);
    }
}
