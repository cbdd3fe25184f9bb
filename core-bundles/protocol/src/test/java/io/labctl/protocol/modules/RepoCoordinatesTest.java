package io.labctl.protocol.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.protocol.InvalidInput;
import org.junit.jupiter.api.Test;

class RepoCoordinatesTest {
    @Test
    void nameSlashVersion() {
        assertEquals(new RepoCoordinates("k3s", "v1.30.2+k3s1"), RepoCoordinates.parse("k3s/v1.30.2+k3s1"));
        assertEquals("lab-agent/1.0.0", RepoCoordinates.parse("lab-agent/1.0.0").toString());
    }

    @Test
    void badOnesAreNamed() {
        assertTrue(assertThrows(InvalidInput.class, () -> RepoCoordinates.parse("k3s")).getMessage()
                .contains("is not NAME/VERSION"));
        assertTrue(assertThrows(InvalidInput.class, () -> RepoCoordinates.parse("a/b/c")).getMessage()
                .contains("is not NAME/VERSION"));
        assertTrue(assertThrows(InvalidInput.class, () -> RepoCoordinates.parse("K3s/1.0")).getMessage()
                .startsWith("name 'K3s' is not valid"));
        assertTrue(assertThrows(InvalidInput.class, () -> RepoCoordinates.parse("k3s/../x")).getMessage()
                .contains("is not NAME/VERSION"));
        assertTrue(assertThrows(InvalidInput.class, () -> RepoCoordinates.parse("k3s/.hidden")).getMessage()
                .startsWith("version '.hidden' is not valid"));
        assertThrows(InvalidInput.class, () -> RepoCoordinates.parse("k3s/"));
    }

    @Test
    void sizesForPeople() {
        assertEquals("12 B", RepoEntry.humanSize(12));
        assertEquals("1.5 KiB", RepoEntry.humanSize(1536));
        assertEquals("256 MiB", RepoEntry.humanSize(256L << 20));
    }
}
