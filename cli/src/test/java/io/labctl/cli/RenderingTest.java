package io.labctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.cli.render.Formats;
import io.labctl.cli.render.ServerPrinter;
import io.labctl.cli.render.TokenPrinter;
import io.labctl.cli.testsupport.TestCli;
import io.labctl.protocol.Json;
import io.labctl.protocol.ServerInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RenderingTest {
    @Test
    void table() {
        String expected = ""
                + "NAME    STATUS            ENV    CLOUD       ROLE     LAST-SEEN   AGE\n"
                + "web-1   online            lab    baremetal   worker   12s         3d\n"
                + "db-1    never-connected   prod   aws         <none>   <never>     5m\n";
        assertEquals(expected, ServerPrinter.table(Samples.servers(), false, TestCli.NOW));
    }

    @Test
    void wideTableAddsHostColumnsAndLabels() {
        String[] lines = ServerPrinter.table(Samples.servers(), true, TestCli.NOW).split("\n");
        assertEquals(List.of("NAME", "STATUS", "ENV", "CLOUD", "ROLE", "LAST-SEEN", "AGE", "OS", "KERNEL", "ARCH", "IP",
                "AGENT-VERSION", "CAPABILITIES", "MODULES", "LABELS"), List.of(lines[0].split("\\s+")));
        assertTrue(lines[1].matches(".*Rocky Linux 9.4   5.14.0-427   x86_64   10.0.0.11   0.1.0 +- +- +rack=r1,zone=a"),
                lines[1]);
        assertTrue(lines[2].matches(".* 5m +(<none> +){5}- +- +<none>"), "without the modules capability: -: " + lines[2]);
    }

    @Test
    void wideTableShowsModuleStatesPerServer() {
        String[] lines = ServerPrinter.table(Samples.servers(), true, Map.of("web-1", "3 ok, 1 drifted"), TestCli.NOW).split("\n");
        assertTrue(lines[1].matches(".*0\\.1\\.0 +- +3 ok, 1 drifted +rack=r1,zone=a"), lines[1]);
        assertTrue(lines[2].matches(".* 5m +(<none> +){5}- +<none> +<none>"), "a server without modules: " + lines[2]);
    }

    @Test
    void jsonAndYamlRoundTripTheArray() throws Exception {
        List<ServerInfo> fromJson = Json.json().readValue(Formats.json(Samples.servers()), new TypeReference<>() {});
        assertEquals(Samples.servers(), fromJson);
        String yaml = Formats.yaml(Samples.servers());
        assertTrue(yaml.startsWith("- id: 0b6e\n  name: web-1\n"), yaml);
        List<ServerInfo> fromYaml = Json.yaml().readValue(yaml, new TypeReference<>() {});
        assertEquals(Samples.servers(), fromYaml);
    }

    @Test
    void describe() {
        String expected = ""
                + "Name:             web-1\n"
                + "Status:           online\n"
                + "Environment:      lab\n"
                + "Cloud:            baremetal\n"
                + "Role:             worker\n"
                + "Labels:           rack=r1\n"
                + "                  zone=a\n"
                + "Enrolled:         2025-05-29T12:00:00Z (3d ago)\n"
                + "Last Seen:        2025-06-01T11:59:48Z (12s ago)\n"
                + "Certificate:\n"
                + "  Serial:         4f3a9c\n"
                + "  Expires:        2025-06-30T12:00:00Z (in 29d)\n"
                + "Facts:\n"
                + "  Hostname:       web-1.lab.example\n"
                + "  OS:             Rocky Linux 9.4\n"
                + "  Kernel:         5.14.0-427\n"
                + "  Arch:           x86_64\n"
                + "  CPUs:           16\n"
                + "  Memory:         16.0 GiB\n"
                + "  IPs:            10.0.0.11, fd00::11\n"
                + "  Agent Version:  0.1.0\n"
                + "  Features:       exec, logs\n"
                + "Capabilities:\n"
                + "  <not reported: this agent is older than capability reports>\n";
        assertEquals(expected, ServerPrinter.describe(Samples.web1(), TestCli.NOW));
    }

    @Test
    void describeWithoutFactsOrCertificate() {
        String text = ServerPrinter.describe(Samples.db1(), TestCli.NOW);
        assertTrue(text.matches("(?s).*\nLabels: +<none>\n.*"), text);
        assertTrue(text.matches("(?s).*\nLast Seen: +<never>\n.*"), text);
        assertTrue(text.matches("(?s).*\n  Serial: +<none>\n.*"), text);
        assertTrue(text.endsWith("Facts:\n  <none reported yet>\n"), text);
    }

    @Test
    void tokenTable() {
        String expected = ""
                + "ID             TYPE       STATE    USES   ENV   CLOUD       ROLE     SERVER   EXPIRES   AGE\n"
                + "3f9a2c71d0e4   one-time   active   0      lab   baremetal   worker   <none>   in 22h    2h\n";
        assertEquals(expected, TokenPrinter.table(List.of(Samples.token()), false, TestCli.NOW));
        String wide = TokenPrinter.table(List.of(Samples.token()), true, TestCli.NOW);
        assertTrue(wide.contains("3f9a2c71d0e44b6c9a1e2f3a4b5c6d7e"), wide);
        assertTrue(wide.split("\n")[1].endsWith("<never>     rack=r1   rack 1"), wide);
    }

    @Test
    void controlCharactersFromTheWireAreNeutralised() {
        ServerInfo evil = new ServerInfo("x", "evil", null, "lab\u001b[2J", null, null, "online", null, null, null, null, null);
        String out = ServerPrinter.table(List.of(evil), false, TestCli.NOW);
        assertTrue(!out.contains("\u001b"), out);
        assertTrue(out.contains("lab?[2J"), out);
    }
}
