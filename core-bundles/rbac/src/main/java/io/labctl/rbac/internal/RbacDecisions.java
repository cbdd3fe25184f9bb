package io.labctl.rbac.internal;

import io.labctl.api.Identity;
import io.labctl.api.ServerRegistry;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Decision;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.persistence.Sessions;
import io.labctl.protocol.Names;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.EffectiveRule;
import io.labctl.protocol.access.Permission;
import io.labctl.rbac.internal.RbacRows.BindingRow;
import io.labctl.rbac.internal.RbacRows.RoleRow;
import io.labctl.rbac.internal.RbacRows.RuleRow;
import io.labctl.rbac.internal.RbacRows.UserRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access decisions from an in-memory {@link RuleSet}, a snapshot of the database's rules. Every change made through
 * {@link RbacAdministration} bumps {@code rbac_generation} and reloads the snapshot here at once; changes by other
 * labd instances are noticed within the poll interval. Also registered as itself, for the administration component.
 */
@Component(service = {AccessDecisions.class, RbacDecisions.class}, configurationPid = "io.labctl.rbac",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = RbacConfig.class)
public final class RbacDecisions implements AccessDecisions {
    private static final Logger LOG = LoggerFactory.getLogger(RbacDecisions.class);

    static final String ADMIN_ROLE = "admin";
    static final String VIEWER_ROLE = "viewer";
    static final int DEFAULT_POLL_SECONDS = 2;

    private final Database database;
    private final Sessions sessions;
    private final ServerRegistry registry;
    private final ScheduledExecutorService poller;
    private final Object reloading = new Object();
    private volatile RuleSet rules = RuleSet.EMPTY;
    private final List<String> defaultLogPaths;
    private volatile boolean pollFailing;

    @Activate
    public RbacDecisions(@Reference Database database,
            // present once the rbac schema is current: the component waits for its migrations
            @Reference(target = "(labctl.schema=rbac)") Schema schema, @Reference ServerRegistry registry,
                         RbacConfig config) {
        this.database = database;
        this.registry = registry;
        this.sessions = database.sessions(RbacMapper.class);
        this.defaultLogPaths = LogPaths.validate(config.defaultLogPaths() == null ? List.of()
                : List.of(config.defaultLogPaths()));
        int poll = config.pollSeconds();
        if (poll < 1) {
            LOG.warn("pollSeconds = {} is below 1; using {}", poll, DEFAULT_POLL_SECONDS);
            poll = DEFAULT_POLL_SECONDS;
        }
        bootstrap();
        reload();
        this.poller = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "labctl-rbac-poll");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(this::pollQuietly, poll, poll, TimeUnit.SECONDS);
        LOG.info("access control ready: generation {}, polling every {} s", rules.generation(), poll);
    }

    @Deactivate
    void deactivate() {
        poller.shutdownNow();
    }

    // ---- decisions

    @Override
    public Decision decide(Identity subject, Permission request) {
        return rules.decide(subject, request);
    }

    @Override
    public boolean holdsAnywhere(Identity subject, Action action) {
        return rules.holdsAnywhere(subject, action);
    }

    @Override
    public Permission onServer(Action action, String serverName) {
        // a name that cannot exist (or "*") must not turn into a wildcard request
        Optional<ServerInfo> server = Names.valid(serverName) ? registry.find(serverName) : Optional.empty();
        return server.map(s -> Permission.on(action, s.cloud(), s.environment(), s.name()))
                .orElseGet(() -> Permission.on(action, null, null, Names.valid(serverName) ? serverName : null));
    }

    @Override
    public List<String> rolesOf(Identity subject) {
        if (subject == null || subject.kind() != Identity.Kind.USER) {
            return List.of();
        }
        List<String> roles = rules.rolesOf(subject.name());
        return roles == null ? List.of() : roles;
    }

    @Override
    public List<String> logPathsOf(Identity subject) {
        if (subject == null || subject.kind() != Identity.Kind.USER) {
            return List.of();
        }
        return rules.logPathsOf(subject.name(), defaultLogPaths);
    }

    List<String> defaultLogPaths() {
        return defaultLogPaths;
    }

    // ---- snapshot

    /**
     * The builtin roles and the admin user bound to admin, once. Skipped when all exist; otherwise the generation
     * row lock orders instances that start together, and ON CONFLICT DO NOTHING keeps a second run harmless.
     */
    private void bootstrap() {
        boolean present = sessions.mapper(RbacMapper.class, m -> m.role(ADMIN_ROLE) != null
                && m.role(VIEWER_ROLE) != null && m.user(Identity.ADMIN) != null);
        if (present) {
            return;
        }
        database.transaction(() -> sessions.mapper(RbacMapper.class, m -> {
            m.bump();
            builtinRole(m, ADMIN_ROLE, "every action everywhere", "admin:*:*:*");
            builtinRole(m, VIEWER_ROLE, "read everything", "read:*:*:*");
            String userId = UUID.randomUUID().toString();
            // bound only when created here: an admin's later decision to unbind it is not undone at restart
            if (m.insertUser(userId, Identity.ADMIN, null, "labd") == 1) {
                m.insertBinding(userId, m.role(ADMIN_ROLE).id);
                LOG.info("created user admin (the identity of labd's first credential bundle) bound to role admin");
            }
            return null;
        }));
    }

    private static void builtinRole(RbacMapper m, String name, String description, String rule) {
        String id = UUID.randomUUID().toString();
        if (m.insertRole(id, name, description, true, "labd", null) == 1) {
            m.insertRule(id, EffectiveRule.ALLOW, rule);
            LOG.info("created builtin role {} (allow {})", name, rule);
        }
    }

    /** Loads and swaps in a new snapshot; serialised so a slower, older load never replaces a newer one. */
    void reload() {
        synchronized (reloading) {
            rules = sessions.mapper(RbacMapper.class, RbacDecisions::load);
        }
    }

    /**
     * Reads the generation before and after the rules: equal means no change committed in between, so the
     * statements saw one state. Otherwise it tries again, and at worst keeps the older generation so that the
     * next poll loads once more.
     */
    private static RuleSet load(RbacMapper m) {
        for (int attempt = 1; ; attempt++) {
            long before = orZero(m.generation());
            List<UserRow> users = m.users();
            List<RoleRow> roles = m.roles();
            List<RuleRow> ruleRows = m.rules();
            List<BindingRow> bindings = m.bindings();
            long after = orZero(m.generation());
            if (before == after || attempt == 3) {
                return compile(before, users, roles, ruleRows, bindings);
            }
        }
    }

    private static RuleSet compile(long generation, List<UserRow> users, List<RoleRow> roleRows,
                                   List<RuleRow> ruleRows, List<BindingRow> bindings) {
        Map<String, List<Permission>> allow = new HashMap<>();
        Map<String, List<Permission>> deny = new HashMap<>();
        for (RoleRow r : roleRows) {
            allow.put(r.name, new ArrayList<>());
            deny.put(r.name, new ArrayList<>());
        }
        for (RuleRow r : ruleRows) {
            boolean isDeny = EffectiveRule.DENY.equals(r.effect);
            Map<String, List<Permission>> target = isDeny ? deny : allow;
            if (!target.containsKey(r.role)) {
                continue;
            }
            try {
                target.get(r.role).add(Permission.parse(r.permission));
            } catch (IllegalArgumentException e) {
                // fail closed: an unreadable allow grants nothing, an unreadable deny denies everything
                LOG.warn("role {} has an unreadable {} rule '{}' ({}); {}", r.role, r.effect, r.permission,
                        e.getMessage(), isDeny ? "treating it as deny *:*:*:*" : "ignoring it");
                if (isDeny) {
                    target.get(r.role).add(new Permission(Permission.ANY, Permission.ANY, Permission.ANY, Permission.ANY));
                }
            }
        }
        Map<String, List<String>> logPathsByRole = new HashMap<>();
        for (RoleRow r : roleRows) {
            logPathsByRole.put(r.name, LogPaths.split(r.logPaths));
        }
        Map<String, RuleSet.RoleRules> roles = new HashMap<>();
        for (String name : allow.keySet()) {
            roles.put(name, new RuleSet.RoleRules(name, allow.get(name), deny.get(name), logPathsByRole.get(name)));
        }
        Map<String, List<String>> bound = new HashMap<>();
        for (UserRow u : users) {
            bound.put(u.username, new ArrayList<>());
        }
        for (BindingRow b : bindings) {
            List<String> list = bound.get(b.username);
            if (list != null) {
                list.add(b.role);
            }
        }
        return RuleSet.compile(generation, bound, roles);
    }

    private static long orZero(Long value) {
        return value == null ? 0L : value;
    }

    /** One query: reloads when another instance (or anyone) has changed the rules since the snapshot was taken. */
    void poll() {
        long current = orZero(sessions.mapper(RbacMapper.class, RbacMapper::generation));
        if (current != rules.generation()) {
            reload();
        }
    }

    private void pollQuietly() {
        try {
            poll();
            if (pollFailing) {
                pollFailing = false;
                LOG.info("access rules refresh works again (generation {})", rules.generation());
            }
        } catch (RuntimeException e) {
            if (!pollFailing) {
                pollFailing = true;
                LOG.warn("cannot refresh access rules ({}); deciding with generation {} until the database answers",
                        e.getMessage(), rules.generation());
            }
        }
    }

    /** A change is committed: failing to reload now only delays it until the next poll. */
    void reloadAfterChange() {
        try {
            reload();
        } catch (RuntimeException e) {
            LOG.warn("change saved but the access rules were not reloaded ({}); the next poll will", e.getMessage());
        }
    }

    /** Administration and reviews decide with the newest rules: a changed generation costs one reload. */
    void refreshQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.debug("access rules not refreshed before an administrative call", e);
        }
    }
}
