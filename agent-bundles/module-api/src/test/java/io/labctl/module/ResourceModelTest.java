package io.labctl.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ResourceModelTest {

    @Test
    void idsAreTypeColonKey() {
        assertEquals("file:/etc/motd", new FileResource("/etc/motd").id());
        assertEquals("line:/etc/hosts:127.0.0.1 a", new LineResource("/etc/hosts", "127.0.0.1 a").id());
        assertEquals("service:nginx.service", new ServiceResource("nginx.service").id());
        assertEquals("artifact:/usr/local/bin/k3s",
                new ArtifactResource("/usr/local/bin/k3s", "k3s", "1.30", "A".repeat(64)).id());
    }

    @Test
    void fluentSettersKeepTheSubclassAndRecordRequirements() {
        FileResource file = new FileResource("/etc/a").requires("directory:/etc").mode(0600).absent();
        assertEquals(List.of("directory:/etc"), file.requirements());
        assertEquals(0600, file.mode());
        assertTrue(file.isAbsent());
    }

    @Test
    void aDuplicateIdIsRefusedNamingIt() {
        DesiredState state = new DesiredState().add(new FileResource("/a"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> state.add(new FileResource("/a").content("x")));
        assertTrue(e.getMessage().contains("file:/a"), e.getMessage());
        assertEquals(1, state.resources().size());
    }

    @Test
    void secretContentIsSensitiveAndNeverPrinted() {
        Secret secret = new Secret("hunter2");
        assertEquals("******", secret.toString());
        FileResource file = new FileResource("/etc/token").content(secret);
        assertTrue(file.isSensitive());
        assertEquals("hunter2", file.content());
        assertFalse(new FileResource("/etc/x").content("plain").isSensitive());
    }

    @Test
    void badArgumentsAreRefusedWhereTheModuleMakesThem() {
        assertThrows(IllegalArgumentException.class, () -> new FileResource("etc/relative"));
        assertThrows(IllegalArgumentException.class, () -> new FileResource("/x").mode(010000));
        assertThrows(IllegalArgumentException.class, () -> new ArtifactResource("/x", "n", "1", "abc"));
        assertThrows(IllegalArgumentException.class, () -> new LineResource("/x", "two\nlines"));
        assertThrows(IllegalArgumentException.class, () -> new CommandResource("empty"));
    }
}
