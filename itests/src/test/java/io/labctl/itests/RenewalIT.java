package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.itests.support.Agent;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.protocol.Json;
import io.labctl.protocol.Pem;
import io.labctl.protocol.ServerInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates renew themselves over mutual TLS once a third of their life is left, without the agent going offline. */
class RenewalIT {
    @TempDir
    Path dir;

    static ServerInfo server(Cli cli, String name) throws Exception {
        ServerInfo[] all = Json.json().readValue(cli.ok("get", "servers", "-l", "name=" + name, "-o", "json"), ServerInfo[].class);
        return all.length == 1 ? all[0] : null;
    }

    @Test
    void anAgentRenewsItsShortLivedCertificateAndStaysOnline() throws Exception {
        try (Labd labd = Labd.install(dir.resolve("labd"), "agentCertificateLifetime = 45s\n").start()) {
            Files.createDirectories(dir.resolve("cli"));
            Cli cli = new Cli(dir.resolve("cli/config.yaml"));
            cli.ok("config", "import", labd.adminBundle().toString());
            String token = cli.ok("create", "token", "--server", "short").strip();
            try (Agent agent = Agent.install(dir.resolve("short"), "short", labd.url(), token).start()) {
                Path cert = agent.identity().resolve("agent.crt");
                Processes.await("enrolment (log " + agent.log() + ")", Duration.ofSeconds(90), () -> Files.exists(cert));
                String first = Pem.certificate(Files.readString(cert)).getSerialNumber().toString(16);
                // due when 15 of the 45 seconds are left
                Processes.await("a renewed certificate (log " + agent.log() + ")", Duration.ofSeconds(60), () -> {
                    try {
                        return !first.equals(Pem.certificate(Files.readString(cert)).getSerialNumber().toString(16));
                    } catch (Exception e) {
                        return false;
                    }
                });
                String renewed = Pem.certificate(Files.readString(cert)).getSerialNumber().toString(16);
                Processes.await("labd to record the renewed certificate and see the agent online", Duration.ofSeconds(30), () -> {
                    try {
                        ServerInfo s = server(cli, "short");
                        return renewed.equals(s.certificateSerial()) && ServerInfo.ONLINE.equals(s.status());
                    } catch (Exception e) {
                        return false;
                    }
                });
                assertNotEquals(first, renewed);
                assertTrue(agent.logText().contains("renewed this agent's certificate"));
                assertEquals(ServerInfo.ONLINE, server(cli, "short").status());
            }
        }
    }
}
