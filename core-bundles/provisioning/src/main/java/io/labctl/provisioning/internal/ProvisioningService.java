package io.labctl.provisioning.internal;

import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferenceCardinality;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.access.Action;
import io.labctl.api.access.AccessDecisions;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.api.ApiException;
import io.labctl.api.CertificateAuthority;
import io.labctl.api.Identity;
import io.labctl.api.JoinTokens;
import io.labctl.api.LabdAddress;
import io.labctl.api.LazyService;
import io.labctl.api.Provisioning;
import io.labctl.api.ServerRegistry;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.persistence.Sessions;
import io.labctl.protocol.IssuedToken;
import io.labctl.protocol.Json;
import io.labctl.protocol.Names;
import io.labctl.protocol.TokenSpec;
import io.labctl.protocol.provision.BootReport;
import io.labctl.protocol.provision.InstallerGrant;
import io.labctl.protocol.provision.MachineInfo;
import io.labctl.protocol.provision.MachineRole;
import io.labctl.protocol.provision.MachineState;
import io.labctl.protocol.provision.Macs;
import io.labctl.protocol.provision.PlanRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Machines and plans in the database. Every change to one MAC runs in one transaction holding its row, so a plan,
 * a boot report and an installer call never interleave, and a refused request leaves nothing half-written.
 */
@Component(service = Provisioning.class, configurationPid = "io.labctl.provisioning")
@Designate(ocd = ProvisioningConfig.class)
public class ProvisioningService implements Provisioning {
    /** Cloud of every machine provisioned by a bastion (spec 7: each bastion is an environment under it). */
    static final String CLOUD = "baremetal";
    static final String BY_ID = "/dev/disk/by-id/";
    /** Reported by every discovery inventory (the bastion's inventory script), with disk.N.* for each disk. */
    static final String INVENTORY_DONE = "disk.count";
    private static final Logger LOG = LoggerFactory.getLogger(ProvisioningService.class);
    private static final Pattern FACT_KEY = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Pattern DISK_ID = Pattern.compile("[A-Za-z0-9._:+@-]+");
    private static final TypeReference<Map<String, String>> FACTS = new TypeReference<>() {};

    private final Database database;
    private final Sessions sessions;
    private final JoinTokens tokens;
    private final ServerRegistry registry;
    private final CertificateAuthority ca;
    private final Duration tokenTtl;
    private final String defaultEnvironment;
    private final String labdUrl;
    private final long maxDiscovered;

    /**
     * Where installers reach labd, unless labdUrl is configured. Taken when first needed: the web bundle serves this
     * capability's routes and provides the address, so binding it at activation would be a cycle.
     */
    volatile LazyService<LabdAddress> labd;

    @Reference(service = LabdAddress.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, unbind = "unsetLabd")
    void setLabd(ComponentServiceObjects<LabdAddress> objects) {
        labd = new LazyService<>(objects);
    }

    void unsetLabd(ComponentServiceObjects<LabdAddress> objects) {
        LazyService<LabdAddress> lazy = labd;
        if (lazy != null && lazy.holds(objects)) {
            labd = null;
            lazy.release();
        }
    }

    /** Users' calls are checked against it; bastions and installers (agents) are not users and need none. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AccessDecisions decisions;

    @Activate
    public ProvisioningService(@Reference Database database,
            // present once the provisioning schema is current: the component waits for its migrations
            @Reference(target = "(labctl.schema=provisioning)") Schema schema, @Reference JoinTokens tokens,
                               @Reference ServerRegistry registry, @Reference CertificateAuthority ca,
                               ProvisioningConfig config) {
        this.database = database;
        this.sessions = database.sessions(MachineMapper.class);
        this.tokens = tokens;
        this.registry = registry;
        this.ca = ca;
        if (config.installerTokenMinutes() < 1 || config.installerTokenMinutes() > 24 * 60) {
            throw new IllegalArgumentException("installerTokenMinutes must be between 1 and 1440");
        }
        this.tokenTtl = Duration.ofMinutes(config.installerTokenMinutes());
        this.defaultEnvironment = Names.require("defaultEnvironment", config.defaultEnvironment().strip());
        this.labdUrl = config.labdUrl().strip();
        this.maxDiscovered = config.maxDiscovered();
    }

    @Override
    public List<MachineInfo> list(Identity caller) {
        AccessDecisions access = decisions();
        return sessions.mapper(MachineMapper.class, MachineMapper::all).stream().map(ProvisioningService::info)
                .filter(m -> access.decide(caller, scope(Action.READ, m)).allowed()).toList();
    }

    @Override
    public MachineInfo describe(Identity caller, String mac) {
        AccessDecisions access = decisions();
        MachineInfo machine = find(mac).orElseThrow(() -> notFound(mac(mac)));
        access.require(caller, scope(Action.READ, machine));
        return machine;
    }

    /** What labd knows of a MAC, unchecked (for labd's own use and tests; callers go through {@link #describe}). */
    public Optional<MachineInfo> find(String mac) {
        String m = mac(mac);
        return Optional.ofNullable(sessions.mapper(MachineMapper.class, x -> x.byMac(m))).map(ProvisioningService::info);
    }

    @Override
    public MachineInfo plan(Identity caller, String mac, PlanRequest request) {
        AccessDecisions access = decisions();
        String plannedBy = caller.name();
        String m = mac(mac);
        if (request == null) {
            throw ApiException.badRequest("missing-body", "send a plan: hostname, role, and optionally disk");
        }
        String hostname = hostname(request.hostname());
        MachineRole role = role(request.role());
        // an empty disk (an unset variable) is refused, not read as "the first reported": install wipes it
        String disk = request.disk() == null ? null : diskPath(request.disk());
        String mode = request.reprovision() ? "reprovision" : "install";
        return database.transaction(() -> {
            MachineRow row = sessions.mapper(MachineMapper.class, x -> x.lock(m));
            // the plan's own scope, and the machine's as it stands (a planned name it would lose)
            access.require(caller, Permission.on(Action.DESTROY, CLOUD,
                    row == null ? Permission.ANY : row.environment, hostname));
            if (row != null) {
                access.require(caller, scope(Action.DESTROY, info(row)));
            }
            String state = row == null ? null : row.state;
            if (MachineState.PLANNED.wire().equals(state) || MachineState.INSTALLING.wire().equals(state)) {
                throw ApiException.conflict("already-planned", m + " already has a plan (" + row.mode + " as "
                        + row.hostname + "); run 'labctl provision forget " + m + "' first to replace it");
            }
            if (request.reprovision() && !MachineState.INSTALLED.wire().equals(state)) {
                throw ApiException.conflict("not-installed", "reprovision keeps the data of an installed machine, and "
                        + m + " is " + (state == null ? "unknown" : state) + ": use 'labctl provision install'");
            }
            if (!request.reprovision() && MachineState.INSTALLED.wire().equals(state)) {
                throw ApiException.conflict("already-installed", m + " is installed as " + row.hostname + ": use"
                        + " 'labctl provision reprovision' to reinstall it keeping its data, or forget it first");
            }
            MachineRow holder = sessions.mapper(MachineMapper.class, x -> x.byHostname(hostname));
            if (holder != null && !holder.mac.equals(m)) {
                throw ApiException.conflict("hostname-taken", "hostname " + hostname + " belongs to " + holder.mac
                        + " (" + holder.state + "); pick another name or forget that machine first");
            }
            boolean sameServer = row != null && hostname.equals(row.hostname);
            if (!sameServer && registry.isEnrolled(hostname)) {
                throw ApiException.conflict("server-exists", "a server named " + hostname + " is already enrolled;"
                        + " pick another name or delete it first ('labctl delete server/" + hostname + "')");
            }
            Map<String, String> facts = row == null ? Map.of() : facts(row.facts);
            if (disk != null) {
                requireReported(disk, facts);
            } else if (facts.containsKey(INVENTORY_DONE) && reportedDisks(facts).isEmpty()) {
                throw ApiException.badRequest("no-disk", m + " reported no disk it could be installed on");
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            MachineRow next = row == null ? newRow(m, defaultEnvironment) : row;
            next.state = MachineState.PLANNED.wire();
            next.hostname = hostname;
            next.role = role.wire();
            next.mode = mode;
            next.disk = disk;
            next.plannedBy = plannedBy;
            next.plannedAt = now;
            next.installedAt = request.reprovision() ? next.installedAt : null;
            save(row == null, next);
            LOG.info("{} planned for {} as {} ({}) by {}", mode, m, hostname, role.wire(), plannedBy);
            return info(next);
        });
    }

    @Override
    public MachineInfo forget(Identity caller, String mac) {
        AccessDecisions access = decisions();
        String m = mac(mac);
        return database.transaction(() -> {
            MachineRow row = sessions.mapper(MachineMapper.class, x -> x.lock(m));
            if (row == null) {
                throw notFound(m);
            }
            access.require(caller, scope(Action.MANAGE, info(row)));
            revokeToken(row);
            sessions.mapper(MachineMapper.class, x -> x.delete(m));
            return info(row);
        });
    }

    /** A machine's scope: baremetal:ENVIRONMENT:HOSTNAME, or the whole environment while it has no hostname. */
    static Permission scope(Action action, MachineInfo m) {
        return Permission.on(action, CLOUD, m.environment(), m.hostname() == null ? Permission.ANY : m.hostname());
    }

    private static ApiException notFound(String mac) {
        return ApiException.notFound("machine-not-found", "no machine " + mac + "; see 'labctl provision list'");
    }

    private AccessDecisions decisions() {
        return AccessDecisions.present(decisions);
    }

    /** labd's URL for installers: the configured one, else the web bundle's own address. */
    private String installerUrl() {
        if (!labdUrl.isEmpty()) {
            return labdUrl;
        }
        LazyService<LabdAddress> lazy = labd;
        LabdAddress address = lazy == null ? null : lazy.get();
        if (address == null) {
            throw ApiException.unavailable("labd-address-unknown", "labd's HTTPS front end is not running, so an "
                    + "installer could not reach it; start it (feature:install labd-web) or set labdUrl in "
                    + "etc/io.labctl.provisioning.cfg");
        }
        return address.url();
    }

    @Override
    public MachineInfo booted(BootReport report, String bastion, String environment) {
        if (report == null) {
            throw ApiException.badRequest("missing-body", "send a boot report: mac and facts");
        }
        String m = mac(report.mac());
        Map<String, String> reported = checkedFacts(report.facts());
        String env = Names.require("environment", environment);
        return database.transaction(() -> {
            MachineRow row = sessions.mapper(MachineMapper.class, x -> x.lock(m));
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            if (row == null && sessions.mapper(MachineMapper.class, MachineMapper::countDiscovered) >= maxDiscovered) {
                throw ApiException.unavailable("too-many-discovered", "labd already keeps " + maxDiscovered
                        + " discovered machines without a plan; forget some ('labctl provision forget MAC')"
                        + " or raise maxDiscovered in etc/io.labctl.provisioning.cfg");
            }
            MachineRow next = row == null ? newRow(m, env) : row;
            if (row == null) {
                next.state = MachineState.DISCOVERED.wire();
                LOG.info("discovered {} through bastion {}", m, bastion);
            }
            if (next.firstSeen == null) {
                next.firstSeen = now;
            }
            next.lastSeen = now;
            next.bastion = bastion;
            if (MachineState.DISCOVERED.wire().equals(next.state)) {
                next.environment = env;
            }
            Map<String, String> merged = new TreeMap<>(facts(next.facts));
            if (reported.containsKey(INVENTORY_DONE)) {
                // a new inventory replaces the old one whole: a disk taken out must not linger
                merged.keySet().removeIf(k -> k.startsWith("disk."));
            }
            merged.putAll(reported);
            if (merged.size() > BootReport.MAX_FACTS * 2) {
                merged = new TreeMap<>(reported);
            }
            next.facts = json(merged);
            save(row == null, next);
            return info(next);
        });
    }

    @Override
    public InstallerGrant startInstall(String mac) {
        String url = installerUrl();
        String m = mac(mac);
        return database.transaction(() -> {
            MachineRow row = sessions.mapper(MachineMapper.class, x -> x.lock(m));
            if (row == null || !(MachineState.PLANNED.wire().equals(row.state)
                    || MachineState.INSTALLING.wire().equals(row.state))) {
                throw ApiException.conflict("no-plan", "no install planned for " + m + " ("
                        + (row == null ? "unknown" : row.state) + "); plan one with 'labctl provision install'");
            }
            revokeToken(row);
            if ("reprovision".equals(row.mode) && registry.find(row.hostname).isPresent()) {
                // The machine is being reinstalled: its old agent identity goes, so the new one can enrol by name.
                ca.revokeAll(new Identity(Identity.Kind.AGENT, row.hostname), "reprovisioned");
                registry.delete(row.hostname);
            }
            IssuedToken issued = tokens.create(new TokenSpec(false, tokenTtl.toSeconds(), CLOUD, row.environment,
                    row.role, Map.of("provisioned", "pxe"), row.hostname, "installer of " + m), "provisioning");
            row.tokenId = issued.info().id();
            row.state = MachineState.INSTALLING.wire();
            save(false, row);
            return new InstallerGrant(m, row.hostname, row.role, row.mode, row.disk, row.environment, url,
                    issued.token(), facts(row.facts));
        });
    }

    @Override
    public MachineInfo installed(String mac) {
        String m = mac(mac);
        return database.transaction(() -> {
            MachineRow row = sessions.mapper(MachineMapper.class, x -> x.lock(m));
            if (row == null || !MachineState.INSTALLING.wire().equals(row.state)) {
                throw ApiException.conflict("not-installing", m + " is not installing ("
                        + (row == null ? "unknown" : row.state) + "); nothing to mark installed");
            }
            row.state = MachineState.INSTALLED.wire();
            row.installedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            save(false, row);
            LOG.info("{} installed as {}", m, row.hostname);
            return info(row);
        });
    }

    // ---- helpers

    private void save(boolean insert, MachineRow row) {
        sessions.mapper(MachineMapper.class, x -> {
            if (insert) {
                x.insert(row);
            } else {
                x.update(row);
            }
            return null;
        });
    }

    private void revokeToken(MachineRow row) {
        if (row.tokenId != null) {
            try {
                tokens.revoke(row.tokenId);
            } catch (ApiException e) {
                LOG.debug("installer token {} of {} already gone: {}", row.tokenId, row.mac, e.getMessage());
            }
            row.tokenId = null;
        }
    }

    private static MachineRow newRow(String mac, String environment) {
        MachineRow row = new MachineRow();
        row.mac = mac;
        row.environment = environment;
        row.facts = "{}";
        return row;
    }

    static String mac(String mac) {
        try {
            return Macs.normalize(mac);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-mac", e.getMessage());
        }
    }

    private static String hostname(String hostname) {
        try {
            return Names.require("hostname", hostname == null ? null : hostname.strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-hostname", e.getMessage());
        }
    }

    private static MachineRole role(String role) {
        try {
            return MachineRole.parse(role);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-role", e.getMessage());
        }
    }

    /** A disk named by its /dev/disk/by-id path (or just the id); installs never name disks by kernel name. */
    static String diskPath(String disk) {
        String d = disk.strip();
        String id = d.startsWith(BY_ID) ? d.substring(BY_ID.length()) : d;
        if (id.startsWith("/") || !DISK_ID.matcher(id).matches()) {
            throw ApiException.badRequest("invalid-disk", "disk '" + disk + "' must be a /dev/disk/by-id/ name"
                    + " (kernel names like /dev/sda can change between boots); see the disks in 'labctl provision list -o yaml'");
        }
        return BY_ID + id;
    }

    private static List<String> reportedDisks(Map<String, String> facts) {
        return facts.entrySet().stream().filter(e -> e.getKey().startsWith("disk.") && e.getKey().endsWith(".id"))
                .map(Map.Entry::getValue).sorted().toList();
    }

    /** When the machine reported its disks, the plan's disk must be one of them. */
    private static void requireReported(String disk, Map<String, String> facts) {
        List<String> reported = reportedDisks(facts);
        if (!reported.isEmpty() && !reported.contains(disk)) {
            throw ApiException.badRequest("disk-not-reported", "the machine did not report disk " + disk
                    + "; it reported: " + String.join(", ", reported));
        }
    }

    static Map<String, String> checkedFacts(Map<String, String> facts) {
        if (facts == null) {
            return Map.of();
        }
        if (facts.size() > BootReport.MAX_FACTS) {
            throw ApiException.badRequest("too-many-facts", "a boot report carries at most " + BootReport.MAX_FACTS + " facts");
        }
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : facts.entrySet()) {
            String k = e.getKey();
            String v = e.getValue() == null ? "" : e.getValue().strip();
            if (k == null || k.length() > BootReport.MAX_KEY || !FACT_KEY.matcher(k).matches()) {
                throw ApiException.badRequest("invalid-fact", "fact names are lower-case letters, digits, '.', '_'"
                        + " and '-', at most " + BootReport.MAX_KEY + " characters");
            }
            if (v.length() > BootReport.MAX_VALUE || v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw ApiException.badRequest("invalid-fact", "fact " + k + " is longer than " + BootReport.MAX_VALUE
                        + " characters or holds control characters");
            }
            out.put(k, v);
        }
        return out;
    }

    private static Map<String, String> facts(String json) {
        try {
            return json == null ? Map.of() : Json.json().readValue(json, FACTS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable facts in the database", e);
        }
    }

    private static String json(Map<String, String> facts) {
        try {
            return Json.json().writeValueAsString(facts);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static MachineInfo info(MachineRow r) {
        return new MachineInfo(r.mac, r.state, r.hostname, r.role, r.mode, r.disk, r.environment, r.bastion,
                facts(r.facts), r.firstSeen, r.lastSeen, r.plannedBy, r.plannedAt, r.installedAt);
    }
}
