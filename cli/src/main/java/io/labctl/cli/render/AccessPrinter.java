package io.labctl.cli.render;

import io.labctl.protocol.access.AccessReviewResult;
import io.labctl.protocol.access.EffectiveRule;
import io.labctl.protocol.access.RoleInfo;
import io.labctl.protocol.access.UserDetail;
import io.labctl.protocol.access.UserInfo;
import io.labctl.protocol.access.WhoAmI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Users, roles, permissions and access reviews as {@code get}, {@code describe} and {@code auth} show them. */
public final class AccessPrinter {
    private AccessPrinter() {}

    public static String users(List<UserInfo> users, boolean wide, Instant now) {
        List<String> header = new ArrayList<>(List.of("NAME", "ROLES", "AGE", "CREATED-BY"));
        if (wide) {
            header.add("CREATED");
        }
        Table t = new Table(header);
        for (UserInfo u : users) {
            List<String> row = new ArrayList<>(Arrays.asList(u.name(), joined(u.roles()), Times.age(u.createdAt(), now),
                    u.createdBy()));
            if (wide) {
                row.add(Times.stamp(u.createdAt()));
            }
            t.row(row);
        }
        return t.render();
    }

    public static String roles(List<RoleInfo> roles, boolean wide, Instant now) {
        List<String> header = new ArrayList<>(List.of("NAME", "ALLOW", "DENY", "USERS", "BUILTIN", "AGE"));
        if (wide) {
            header.add("LOG-PATHS");
            header.add("DESCRIPTION");
        }
        Table t = new Table(header);
        for (RoleInfo r : roles) {
            List<String> row = new ArrayList<>(Arrays.asList(r.name(), joined(r.allow()), joined(r.deny()),
                    joined(r.users()), Boolean.toString(r.builtin()), Times.age(r.createdAt(), now)));
            if (wide) {
                row.add(r.logPaths().isEmpty() ? "(default)" : joined(r.logPaths()));
                row.add(r.description() == null ? null : r.description().replace('\n', ' '));
            }
            t.row(row);
        }
        return t.render();
    }

    public static String permissions(List<EffectiveRule> rules) {
        Table t = new Table("ROLE", "EFFECT", "PERMISSION");
        for (EffectiveRule r : rules) {
            t.row(r.role(), r.effect(), r.permission());
        }
        return t.render();
    }

    public static String whoami(WhoAmI w) {
        return new Table("NAME", "KIND", "ROLES").row(w.name(), w.kind(), joined(w.roles())).render();
    }

    /** Deny rules before allow rules (deny wins, so they are read first); otherwise labd's order. */
    public static List<EffectiveRule> denyFirst(List<EffectiveRule> rules) {
        if (rules == null) {
            return List.of();
        }
        List<EffectiveRule> out = new ArrayList<>(rules);
        out.sort(Comparator.comparingInt(r -> EffectiveRule.DENY.equals(r.effect()) ? 0 : 1));
        return out;
    }

    /** kubectl-describe-like: the user, its roles, its effective rules and its certificates. */
    public static String describeUser(UserDetail d, Instant now) {
        Block b = new Block();
        UserInfo u = d.user();
        b.put("Name", u == null ? null : u.name());
        b.put("Created", u == null || u.createdAt() == null ? null : Times.stampRelative(u.createdAt(), now));
        b.put("Created By", u == null ? null : u.createdBy());
        b.list("Roles", u == null ? List.of() : u.roles());
        b.section("Rules");
        List<EffectiveRule> rules = denyFirst(d.rules());
        if (rules.isEmpty()) {
            b.raw("  <none>: this user may do nothing");
        } else {
            Table t = new Table("EFFECT", "PERMISSION", "ROLE");
            for (EffectiveRule r : rules) {
                t.row(r.effect(), r.permission(), r.role());
            }
            b.indented(t.render(), "  ");
        }
        b.section("Certificates");
        if (d.certificates() == null || d.certificates().isEmpty()) {
            b.raw("  <none>");
        } else {
            Table t = new Table("SERIAL", "EXPIRES", "REVOKED");
            for (UserDetail.Certificate c : d.certificates()) {
                t.row(c.serial(), Times.stampRelative(c.notAfter(), now),
                        c.revokedAt() == null ? "no" : Times.stamp(c.revokedAt()));
            }
            b.indented(t.render(), "  ");
        }
        return b.render();
    }

    /** {@code yes} or {@code no} alone (scripts compare it), and with verbose what was checked and why. */
    public static String canI(AccessReviewResult r, boolean verbose) {
        String answer = (r.allowed() ? "yes" : "no") + "\n";
        if (!verbose) {
            return answer;
        }
        Block b = new Block();
        b.put("User", r.user());
        b.put("Permission", r.permission());
        b.put("Reason", r.reason());
        return answer + b.render();
    }

    /** kubectl's convention: 0 for yes, 1 for no. */
    public static int canIExitCode(AccessReviewResult r) {
        return r.allowed() ? 0 : 1;
    }

    private static String joined(List<String> values) {
        return values == null ? null : String.join(",", values);
    }
}
