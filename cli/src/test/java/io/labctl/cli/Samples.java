package io.labctl.cli;

import io.labctl.cli.testsupport.TestCli;
import io.labctl.protocol.HostFacts;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.TokenInfo;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.EffectiveRule;
import io.labctl.protocol.access.RoleInfo;
import io.labctl.protocol.access.UserDetail;
import io.labctl.protocol.access.UserInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Sample payloads as labd sends them, relative to {@link TestCli#NOW}. */
final class Samples {
    private Samples() {}

    static ServerInfo web1() {
        return new ServerInfo("0b6e", "web-1", "baremetal", "lab", "worker", Map.of("rack", "r1", "zone", "a"),
                ServerInfo.ONLINE, TestCli.NOW.minusSeconds(12), TestCli.NOW.minus(Duration.ofDays(3)),
                new HostFacts("web-1.lab.example", "Rocky Linux 9.4", "5.14.0-427", "x86_64", 16, 17179869184L,
                        List.of("10.0.0.11", "fd00::11"), "0.1.0", List.of("exec", "logs")),
                "4f3a9c", TestCli.NOW.plus(Duration.ofDays(29)));
    }

    static ServerInfo db1() {
        return new ServerInfo("9a1c", "db-1", "aws", "prod", null, Map.of(), ServerInfo.NEVER_CONNECTED, null,
                TestCli.NOW.minus(Duration.ofMinutes(5)), null, null, null);
    }

    static List<ServerInfo> servers() {
        return List.of(web1(), db1());
    }

    static TokenInfo token() {
        return new TokenInfo("3f9a2c71d0e44b6c9a1e2f3a4b5c6d7e", false, "baremetal", "lab", "worker", Map.of("rack", "r1"),
                null, "rack 1", TestCli.NOW.minus(Duration.ofHours(2)), TestCli.NOW.plus(Duration.ofHours(22)), 0, null,
                null, "active");
    }

    static UserInfo alice() {
        return new UserInfo("alice", List.of("lab-operator", "viewer"), TestCli.NOW.minus(Duration.ofDays(3)), "admin");
    }

    static UserInfo bob() {
        return new UserInfo("bob", List.of(), TestCli.NOW.minus(Duration.ofMinutes(5)), null);
    }

    static RoleInfo labOperator() {
        return new RoleInfo("lab-operator", "runs commands in the lab", List.of("exec:baremetal:lab:*", "read:*:lab:*"),
                List.of("exec:baremetal:lab:db-1"), List.of("alice"), false, TestCli.NOW.minus(Duration.ofDays(2)));
    }

    static RoleInfo admin() {
        return new RoleInfo("admin", "everything, everywhere", List.of("admin:*:*:*"), List.of(), List.of("admin"), true,
                TestCli.NOW.minus(Duration.ofDays(30)));
    }

    static List<EffectiveRule> rules() {
        return List.of(new EffectiveRule("allow", "exec:baremetal:lab:*", "lab-operator"),
                new EffectiveRule("allow", "read:*:lab:*", "lab-operator"),
                new EffectiveRule("deny", "exec:baremetal:lab:db-1", "lab-operator"),
                new EffectiveRule("allow", "read:*:*:*", "viewer"));
    }

    static UserDetail aliceDetail() {
        return new UserDetail(alice(), rules(), List.of(
                new UserDetail.Certificate("1a2b3c", TestCli.NOW.minus(Duration.ofDays(3)), TestCli.NOW.plus(Duration.ofDays(87)), null),
                new UserDetail.Certificate("0f0e0d", TestCli.NOW.minus(Duration.ofDays(40)), TestCli.NOW.plus(Duration.ofDays(50)),
                        TestCli.NOW.minus(Duration.ofDays(3)))));
    }

    static List<AuditEntry> audit() {
        return List.of(
                new AuditEntry("labd-1", 41, TestCli.NOW.minusSeconds(90), "alice", "3f9a2c71", "10.0.0.5", "exec",
                        "server/web-1", AuditEntry.OK, 850L, null),
                new AuditEntry("labd-1", 42, TestCli.NOW.minusSeconds(60), "alice", "3f9a2c71", "10.0.0.5", "destroy",
                        "server/db-1", AuditEntry.DENIED, 3L, "no allow rule"),
                new AuditEntry("labd-2", 7, TestCli.NOW.minusSeconds(30), "web-1", null, "10.0.0.11", "enrol",
                        null, AuditEntry.OK, 1250L, null));
    }
}
