package io.labctl.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.protocol.environments.CloudInfo;
import io.labctl.protocol.environments.EnvironmentInfo;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvironmentPrinterTest {
    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void tablesOfEnvironmentsAndClouds() {
        String table = EnvironmentPrinter.table(List.of(new EnvironmentInfo("lab", "local", "admin",
                NOW.minusSeconds(7200), null)), true, NOW);
        assertEquals(List.of("NAME", "CLOUD", "AGE", "CREATED-BY"), List.of(table.lines().findFirst().orElseThrow()
                .trim().split("\\s+")));
        assertTrue(table.lines().skip(1).findFirst().orElseThrow().matches("lab\\s+local\\s+2h\\s+admin\\s*"), table);

        String clouds = EnvironmentPrinter.clouds(List.of(new CloudInfo("baremetal", true, List.of("rack-1", "rack-2")),
                new CloudInfo("aws", false, List.of("prod"))), true);
        assertTrue(clouds.contains("rack-1,rack-2") && clouds.lines().anyMatch(l -> l.matches("aws\\s+no\\s+1\\s+prod\\s*")),
                clouds);
    }

    @Test
    void describeListsEveryKindAndSaysHowManyMoreThereAre() {
        String text = EnvironmentPrinter.describe(new EnvironmentInfo("lab", "baremetal", "admin", NOW, List.of(
                new EnvironmentInfo.Contents("clusters", 1, List.of("k3s")),
                new EnvironmentInfo.Contents("servers", 22, List.of("web-1", "web-2")))), NOW);
        assertTrue(text.matches("(?s).*Servers \\(22\\):\\s+web-1\\s+web-2\\s+\\.\\.\\. and 20 more\\s+"
                + "Bastions \\(0\\):\\s+<none>\\s+Clusters \\(1\\):\\s+k3s.*"), text);
    }
}
