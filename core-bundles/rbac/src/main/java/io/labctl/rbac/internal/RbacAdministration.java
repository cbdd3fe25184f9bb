package io.labctl.rbac.internal;

import io.labctl.api.ApiException;
import io.labctl.api.CertificateAuthority;
import io.labctl.api.Identity;
import io.labctl.api.access.AccessAdministration;
import io.labctl.api.access.Decision;
import io.labctl.persistence.Database;
import io.labctl.persistence.Sessions;
import io.labctl.protocol.Names;
import io.labctl.protocol.Pem;
import io.labctl.protocol.access.AccessReviewResult;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.EffectiveRule;
import io.labctl.protocol.access.IssuedUser;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.access.RoleInfo;
import io.labctl.protocol.access.RoleSpec;
import io.labctl.protocol.access.UserDetail;
import io.labctl.protocol.access.UserInfo;
import io.labctl.rbac.internal.RbacRows.BindingRow;
import io.labctl.rbac.internal.RbacRows.RoleRow;
import io.labctl.rbac.internal.RbacRows.RuleRow;
import io.labctl.rbac.internal.RbacRows.UserRow;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The administration of users, roles and bindings over the database. Every change bumps {@code rbac_generation} in
 * its own transaction and has {@link RbacDecisions} reload its snapshot; every call checks its caller through the
 * one {@link Escalation} helper.
 */
@Component(service = AccessAdministration.class, configurationPid = "io.labctl.rbac",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class RbacAdministration implements AccessAdministration {
    private static final Logger LOG = LoggerFactory.getLogger(RbacAdministration.class);

    static final String ADMIN_ROLE = RbacDecisions.ADMIN_ROLE;
    /** Longest lifetime of a user certificate: a year, like join tokens. */
    static final Duration MAX_VALIDITY = Duration.ofDays(366);
    static final int DEFAULT_CERTIFICATE_DAYS = 90;
    static final int MAX_RULES = 1000;
    static final int MAX_DESCRIPTION = 1024;

    private final Database database;
    private final Sessions sessions;
    private final CertificateAuthority ca;
    private final RbacDecisions decisions;
    private final Escalation escalation;
    private final Duration defaultValidity;

    @Activate
    public RbacAdministration(@Reference Database database, @Reference CertificateAuthority ca,
                              // active only once the rbac schema is current, as the decisions are
                              @Reference RbacDecisions decisions, RbacConfig config) {
        this.database = database;
        this.ca = ca;
        this.decisions = decisions;
        this.escalation = new Escalation(decisions);
        this.sessions = database.sessions(RbacMapper.class);
        int days = config.userCertificateDays();
        if (days < 1 || days > MAX_VALIDITY.toDays()) {
            LOG.warn("userCertificateDays = {} is outside 1..{}; using {}", days, MAX_VALIDITY.toDays(),
                    DEFAULT_CERTIFICATE_DAYS);
            days = DEFAULT_CERTIFICATE_DAYS;
        }
        this.defaultValidity = Duration.ofDays(days);
    }

    @Override
    public AccessReviewResult review(Identity caller, Action action, Permission request, String asUser) {
        if (caller == null) {
            throw ApiException.unauthorized("no-caller", "an access review needs a verified caller");
        }
        if (request == null) {
            throw ApiException.badRequest("missing-resource", "say what to check: server/NAME, cloud:environment:server or *");
        }
        decisions.refreshQuietly();
        Permission wanted = action == null ? request : request.withAction(action.wire());
        Identity subject = caller;
        String other = asUser == null ? "" : asUser.strip();
        if (!other.isEmpty() && !(caller.kind() == Identity.Kind.USER && caller.name().equals(other))) {
            escalation.requireAdminEverywhere(caller, "checking another user's access (--as)");
            if (!Names.valid(other) || user(other) == null) {
                throw unknownUser(other);
            }
            subject = new Identity(Identity.Kind.USER, other);
        }
        Decision d = decisions.decide(subject, wanted);
        return new AccessReviewResult(d.allowed(), subject.name(), wanted.toString(), d.reason());
    }

    // ---- users

    @Override
    public List<UserInfo> users(Identity caller) {
        escalation.requireReadEverywhere(caller);
        return sessions.mapper(RbacMapper.class, m -> {
            Map<String, List<String>> roles = rolesByUser(m.bindings());
            return m.users().stream().map(u -> info(u, roles.getOrDefault(u.username, List.of()))).toList();
        });
    }

    @Override
    public UserDetail describeUser(Identity caller, String name) {
        if (!Escalation.isSelf(caller, name)) {
            escalation.requireReadEverywhere(caller); // everyone may see their own
        }
        UserDetail detail = sessions.mapper(RbacMapper.class, m -> {
            UserRow u = Names.valid(name) ? m.user(name) : null;
            if (u == null) {
                return null;
            }
            List<String> roles = m.roleNamesOf(name);
            List<EffectiveRule> effective = new ArrayList<>();
            for (String role : roles) {
                for (RuleRow r : m.rulesOf(role)) {
                    effective.add(new EffectiveRule(r.effect, r.permission, r.role));
                }
            }
            effective.sort(DENY_FIRST);
            return new UserDetail(info(u, roles), effective, List.of());
        });
        if (detail == null) {
            throw unknownUser(name);
        }
        List<UserDetail.Certificate> certificates = ca.certificatesOf(new Identity(Identity.Kind.USER, name)).stream()
                .map(c -> new UserDetail.Certificate(c.serial().toString(16), c.notBefore(), c.notAfter(), c.revokedAt()))
                .toList();
        return new UserDetail(detail.user(), detail.rules(), certificates);
    }

    @Override
    public IssuedUser createUser(Identity caller, String name, Duration certificateValidity, String serverUrl) {
        decisions.refreshQuietly();
        escalation.requireAdminEverywhere(caller, "creating users");
        String user = validName("user name", name);
        Duration validity = certificateValidity == null ? defaultValidity : certificateValidity;
        if (validity.isNegative() || validity.isZero() || validity.compareTo(MAX_VALIDITY) > 0) {
            throw ApiException.badRequest("invalid-validity", "a user certificate must be valid for 1 to "
                    + MAX_VALIDITY.toDays() + " days; leave it out for the default of " + defaultValidity.toDays() + " days");
        }
        IssuedUser issued = change(m -> {
            if (m.user(user) != null) {
                throw userExists(user);
            }
            Identity identity = new Identity(Identity.Kind.USER, user);
            CertificateAuthority.KeyPairCertificate pair = ca.issueWithNewKey(identity, validity);
            X509Certificate certificate = pair.certificate();
            if (m.insertUser(UUID.randomUUID().toString(), user, Pem.sha256Hex(certificate), caller.name()) != 1) {
                throw userExists(user);
            }
            // the key goes back to the caller only: nothing here stores or logs it
            return new IssuedUser(info(m.user(user), List.of()), serverUrl, Pem.certificate(ca.caCertificate()),
                    Pem.certificate(certificate), Pem.privateKey(pair.privateKey()),
                    certificate.getNotAfter().toInstant());
        });
        LOG.info("{} created user {} (certificate valid until {})", caller, user, issued.certificateExpires());
        return issued;
    }

    @Override
    public X509Certificate renewUser(Identity caller, String csrPem, Duration validity) {
        if (caller.kind() != Identity.Kind.USER) {
            throw ApiException.forbidden("users-only", caller + " is not a user; agents renew through "
                    + "POST /api/v1/agent/renew");
        }
        Duration lifetime = validity.compareTo(MAX_VALIDITY) > 0 ? MAX_VALIDITY : validity;
        // no bump: the rules do not change; the row lock orders this against a concurrent deleteUser
        X509Certificate renewed = database.transaction(() -> sessions.mapper(RbacMapper.class, m -> {
            if (m.lockUser(caller.name()) == null) {
                throw ApiException.forbidden("user-deleted", "user " + caller.name() + " no longer exists, so its"
                        + " certificate cannot be renewed; ask an admin for a new one (labctl create user "
                        + caller.name() + ")");
            }
            return ca.renew(csrPem, caller, lifetime);
        }));
        LOG.info("renewed the certificate of user {} (new serial {}, valid until {})", caller.name(),
                renewed.getSerialNumber().toString(16), renewed.getNotAfter().toInstant());
        return renewed;
    }

    @Override
    public void deleteUser(Identity caller, String name) {
        decisions.refreshQuietly();
        escalation.requireAdminEverywhere(caller, "deleting users");
        escalation.refuseSelfChange(caller, name, "you cannot delete yourself; ask another admin");
        if (Identity.ADMIN.equals(name)) {
            throw ApiException.conflict("admin-user", "user admin cannot be deleted: it is labd's break-glass identity"
                    + " (its credential bundle is written on first start); keep that bundle offline instead");
        }
        change(m -> {
            UserRow u = Names.valid(name) ? m.user(name) : null;
            if (u == null) {
                throw unknownUser(name);
            }
            RoleRow admin = m.role(ADMIN_ROLE);
            if (admin != null && m.bound(u.id, admin.id) > 0 && m.bindingCount(admin.id) == 1) {
                throw lastAdmin(name);
            }
            m.deleteUser(u.id);
            // inside the transaction: a failed revocation keeps the user; the web layer refuses revoked certificates
            int revoked = ca.revokeAll(new Identity(Identity.Kind.USER, name), "user deleted");
            LOG.info("{} deleted user {} and revoked {} certificate(s)", caller, name, revoked);
            return null;
        });
    }

    // ---- roles

    @Override
    public List<RoleInfo> roles(Identity caller) {
        escalation.requireReadEverywhere(caller);
        return sessions.mapper(RbacMapper.class, m -> {
            Map<String, List<String>> users = new HashMap<>();
            for (BindingRow b : m.bindings()) {
                users.computeIfAbsent(b.role, k -> new ArrayList<>()).add(b.username);
            }
            Map<String, List<RuleRow>> rulesByRole = new HashMap<>();
            for (RuleRow r : m.rules()) {
                rulesByRole.computeIfAbsent(r.role, k -> new ArrayList<>()).add(r);
            }
            return m.roles().stream().map(r -> info(r, rulesByRole.getOrDefault(r.name, List.of()),
                    users.getOrDefault(r.name, List.of()))).toList();
        });
    }

    @Override
    public RoleInfo createRole(Identity caller, RoleSpec spec) {
        if (spec == null) {
            throw ApiException.badRequest("missing-body", "send a role: name, description, allow and deny rules");
        }
        decisions.refreshQuietly();
        String name = validName("role name", spec.name());
        String description = spec.description() == null || spec.description().isBlank() ? null : spec.description().strip();
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw ApiException.badRequest("too-long", "role description is longer than " + MAX_DESCRIPTION + " characters");
        }
        List<Permission> allow = parseRules(EffectiveRule.ALLOW, spec.allow());
        List<Permission> deny = parseRules(EffectiveRule.DENY, spec.deny());
        if (allow.isEmpty() && deny.isEmpty()) {
            throw ApiException.badRequest("no-rules", "role " + name + " has no rules: give at least one allow or deny"
                    + " rule, e.g. allow read:*:*:*");
        }
        if (allow.size() + deny.size() > MAX_RULES) {
            throw ApiException.badRequest("too-many-rules", "a role has at most " + MAX_RULES + " rules; split it");
        }
        List<String> logPaths = LogPaths.validate(spec.logPaths());
        if (!logPaths.isEmpty()) {
            // a role's log paths reach files on every server its users may read: only admins set them
            escalation.requireAdminEverywhere(caller, "setting log paths on role " + name + " (leave them out for the"
                    + " default, " + decisions.defaultLogPaths() + ")");
        }
        String doing = "creating role " + name;
        for (Permission p : allow) {
            escalation.requireManage(caller, p, doing);
        }
        for (Permission p : deny) {
            escalation.requireManage(caller, p, doing);
        }
        for (Permission p : allow) {
            escalation.requireGrantable(caller, p);
        }
        RoleInfo created = change(m -> {
            String id = UUID.randomUUID().toString();
            if (m.role(name) != null || m.insertRole(id, name, description, false, caller.name(),
                    logPaths.isEmpty() ? null : String.join("\n", logPaths)) != 1) {
                throw ApiException.conflict("role-exists", "role " + name + " already exists; pick another name, or"
                        + " delete it first (labctl delete role/" + name + ")");
            }
            for (Permission p : allow) {
                m.insertRule(id, EffectiveRule.ALLOW, p.toString());
            }
            for (Permission p : deny) {
                m.insertRule(id, EffectiveRule.DENY, p.toString());
            }
            return info(m.role(name), m.rulesOf(name), List.of());
        });
        LOG.info("{} created role {} (allow {}, deny {})", caller, name, created.allow(), created.deny());
        return created;
    }

    @Override
    public void deleteRole(Identity caller, String name) {
        decisions.refreshQuietly();
        change(m -> {
            RoleRow role = existingRole(m, name);
            if (role.builtin) {
                throw ApiException.conflict("builtin-role", "role " + name + " is built in and cannot be deleted;"
                        + " unbind it from users instead");
            }
            String doing = "deleting role " + name;
            List<RuleRow> rules = m.rulesOf(name);
            for (RuleRow r : rules) {
                escalation.requireManage(caller, stored(r), doing);
            }
            for (RuleRow r : rules) {
                if (EffectiveRule.DENY.equals(r.effect)) {
                    escalation.requireAdminOnDenied(caller, stored(r), doing);
                }
            }
            m.deleteRole(role.id);
            LOG.info("{} deleted role {}", caller, name);
            return null;
        });
    }

    @Override
    public void bind(Identity caller, String role, String user) {
        escalation.refuseSelfChange(caller, user, "nobody changes their own role bindings: ask another admin to"
                + " bind role " + role + " to you");
        decisions.refreshQuietly();
        change(m -> {
            RoleRow r = existingRole(m, role);
            UserRow u = existingUser(m, user);
            String doing = "binding role " + role;
            List<RuleRow> rules = m.rulesOf(role);
            for (RuleRow rule : rules) {
                escalation.requireManage(caller, stored(rule), doing);
            }
            for (RuleRow rule : rules) {
                if (EffectiveRule.ALLOW.equals(rule.effect)) {
                    escalation.requireGrantable(caller, stored(rule));
                }
            }
            if (m.bound(u.id, r.id) > 0 || m.insertBinding(u.id, r.id) != 1) {
                throw ApiException.conflict("already-bound", "user " + user + " is already bound to role " + role);
            }
            LOG.info("{} bound role {} to user {}", caller, role, user);
            return null;
        });
    }

    @Override
    public void unbind(Identity caller, String role, String user) {
        escalation.refuseSelfChange(caller, user, "nobody changes their own role bindings: ask another admin to"
                + " unbind role " + role + " from you");
        decisions.refreshQuietly();
        change(m -> {
            RoleRow r = existingRole(m, role);
            UserRow u = existingUser(m, user);
            String doing = "unbinding role " + role;
            List<RuleRow> rules = m.rulesOf(role);
            for (RuleRow rule : rules) {
                escalation.requireManage(caller, stored(rule), doing);
            }
            for (RuleRow rule : rules) {
                if (EffectiveRule.DENY.equals(rule.effect)) {
                    escalation.requireAdminOnDenied(caller, stored(rule), doing);
                }
            }
            if (m.bound(u.id, r.id) == 0) {
                throw ApiException.notFound("not-bound", "user " + user + " is not bound to role " + role
                        + "; see 'labctl describe user/" + user + "'");
            }
            if (r.builtin && ADMIN_ROLE.equals(r.name) && m.bindingCount(r.id) == 1) {
                throw lastAdmin(user);
            }
            m.deleteBinding(u.id, r.id);
            LOG.info("{} unbound role {} from user {}", caller, role, user);
            return null;
        });
    }

    @Override
    public List<EffectiveRule> permissions(Identity caller) {
        escalation.requireReadEverywhere(caller);
        return sessions.mapper(RbacMapper.class, m -> m.rules().stream()
                .map(r -> new EffectiveRule(r.effect, r.permission, r.role)).toList());
    }

    // ---- helpers

    /** One transaction that first bumps the generation (ordering it after every earlier change), then a reload. */
    private <T> T change(Function<RbacMapper, T> work) {
        T result = database.transaction(() -> sessions.mapper(RbacMapper.class, m -> {
            m.bump();
            return work.apply(m);
        }));
        decisions.reloadAfterChange();
        return result;
    }

    private UserRow user(String name) {
        return sessions.mapper(RbacMapper.class, m -> m.user(name));
    }

    private static RoleRow existingRole(RbacMapper m, String name) {
        RoleRow r = Names.valid(name) ? m.role(name) : null;
        if (r == null) {
            throw ApiException.notFound("role-not-found", "no role named " + name + "; see 'labctl get roles'");
        }
        return r;
    }

    private static UserRow existingUser(RbacMapper m, String name) {
        UserRow u = Names.valid(name) ? m.user(name) : null;
        if (u == null) {
            throw unknownUser(name);
        }
        return u;
    }

    private static ApiException unknownUser(String name) {
        return ApiException.notFound("user-not-found", "no user named " + name + "; see 'labctl get users'");
    }

    private static ApiException userExists(String name) {
        return ApiException.conflict("user-exists", "user " + name + " already exists; pick another name, or delete"
                + " it first (labctl delete user/" + name + ")");
    }

    private static ApiException lastAdmin(String user) {
        return ApiException.conflict("last-admin", "user " + user + " holds the last binding of role admin; bind"
                + " role admin to another user first, so that labd keeps an administrator");
    }

    private static String validName(String what, String value) {
        try {
            return Names.require(what, value == null ? null : value.strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-name", e.getMessage());
        }
    }

    /** Parses and de-duplicates rules; a bad one is named with the expected shape. */
    private static List<Permission> parseRules(String effect, List<String> texts) {
        Set<String> seen = new LinkedHashSet<>();
        List<Permission> out = new ArrayList<>();
        for (String text : texts) {
            Permission p;
            try {
                p = Permission.parse(text);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid-rule", effect + " rule '" + text + "' is not valid: " + e.getMessage());
            }
            if (seen.add(p.toString())) {
                out.add(p);
            }
        }
        return out;
    }

    /** A stored rule; it was validated when written. */
    private static Permission stored(RuleRow r) {
        try {
            return Permission.parse(r.permission);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("role " + r.role + " has an unreadable rule '" + r.permission + "'", e);
        }
    }

    private static final Comparator<EffectiveRule> DENY_FIRST = Comparator
            .comparing((EffectiveRule r) -> EffectiveRule.DENY.equals(r.effect()) ? 0 : 1)
            .thenComparing(EffectiveRule::role)
            .thenComparing(EffectiveRule::permission);

    private static Map<String, List<String>> rolesByUser(List<BindingRow> bindings) {
        Map<String, List<String>> out = new TreeMap<>();
        for (BindingRow b : bindings) {
            out.computeIfAbsent(b.username, k -> new ArrayList<>()).add(b.role);
        }
        return out;
    }

    private static UserInfo info(UserRow u, List<String> roles) {
        return new UserInfo(u.username, List.copyOf(roles), u.createdAt, u.createdBy);
    }

    private static RoleInfo info(RoleRow r, List<RuleRow> rules, List<String> users) {
        Map<String, List<String>> byEffect = new LinkedHashMap<>();
        byEffect.put(EffectiveRule.ALLOW, new ArrayList<>());
        byEffect.put(EffectiveRule.DENY, new ArrayList<>());
        for (RuleRow rule : rules) {
            byEffect.computeIfAbsent(rule.effect, k -> new ArrayList<>()).add(rule.permission);
        }
        return new RoleInfo(r.name, r.description, List.copyOf(byEffect.get(EffectiveRule.ALLOW)),
                List.copyOf(byEffect.get(EffectiveRule.DENY)), List.copyOf(users), r.builtin, r.createdAt,
                LogPaths.split(r.logPaths));
    }
}
