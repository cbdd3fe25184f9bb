package io.labctl.agent.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.protocol.HostFacts;
import io.labctl.protocol.Names;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostFactsCollectorTest {
    @Test
    void factsOfThisLinuxBoxAreSensible() throws Exception {
        HostFacts facts = new HostFactsCollector(Path.of("/"), "0.1.0.SNAPSHOT",
                () -> List.of("lab-agent-logs", "lab-agent")).collect();
        assertFalse(facts.hostname().isBlank());
        assertEquals(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip(), facts.hostname());
        assertFalse(facts.os().isBlank());
        assertFalse(facts.osId().isBlank(), "this build machine has an os-release ID");
        assertEquals(System.getProperty("os.version"), facts.kernel());
        assertEquals(System.getProperty("os.arch"), facts.arch());
        assertTrue(facts.cpus() >= 1);
        assertTrue(facts.memoryBytes() > 256L * 1024 * 1024, "MemTotal of a real machine: " + facts.memoryBytes());
        assertTrue(facts.ips().stream().noneMatch(ip -> ip.startsWith("127.") || ip.equals("0:0:0:0:0:0:0:1")), facts.ips().toString());
        assertEquals("0.1.0.SNAPSHOT", facts.agentVersion());
        assertEquals(List.of("lab-agent", "lab-agent-logs"), facts.features(), "sorted, so unchanged facts compare equal");
        assertEquals(facts, new HostFactsCollector(Path.of("/"), "0.1.0.SNAPSHOT",
                () -> List.of("lab-agent", "lab-agent-logs")).collect(), "collecting twice gives equal facts");
        assertTrue(Names.valid(new HostFactsCollector(Path.of("/"), "x", List::of).defaultName()));
    }

    @Test
    void readsOsReleaseAndMeminfoAndFallsBackWhenTheyAreMissing(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("proc/sys/kernel"));
        Files.writeString(root.resolve("etc/os-release"), "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
                + "VERSION_ID=\"12\"\nID=debian\n# ID=commented\n");
        Files.writeString(root.resolve("proc/meminfo"), "MemTotal:        8000000 kB\nMemFree:  1 kB\n");
        Files.writeString(root.resolve("proc/sys/kernel/hostname"), "Web-01\n");
        HostFactsCollector collector = new HostFactsCollector(root, "1", List::of);
        assertEquals("Debian GNU/Linux 12 (bookworm)", collector.os());
        HostFacts facts = collector.collect();
        assertEquals("debian", facts.osId());
        assertEquals("12", facts.osVersion());
        assertEquals(8000000L * 1024, collector.memoryBytes());
        assertEquals("Web-01", collector.hostname());
        assertEquals("web-01", collector.defaultName());

        HostFactsCollector bare = new HostFactsCollector(root.resolve("nothing"), "1", List::of);
        assertEquals(System.getProperty("os.name"), bare.os());
        assertEquals(null, bare.collect().osId());
        assertTrue(bare.memoryBytes() > 0);
    }

    @Test
    void aFailingFeatureSourceDoesNotStopTheFacts() {
        HostFacts facts = new HostFactsCollector(Path.of("/"), "1", () -> {
            throw new IllegalStateException("features service is refreshing");
        }).collect();
        assertEquals(List.of(), facts.features());
    }
}
