package io.labctl.cli;

import io.labctl.cli.testsupport.TestCli;
import io.labctl.protocol.HostFacts;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.TokenInfo;
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
}
