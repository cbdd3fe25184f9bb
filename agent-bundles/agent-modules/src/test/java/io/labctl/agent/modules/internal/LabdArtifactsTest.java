package io.labctl.agent.modules.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabdArtifactsTest {
    @TempDir
    Path tmp;

    final ModuleCacheTest.FakeRepository repository = new ModuleCacheTest.FakeRepository();

    List<Path> left() throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.toList();
        }
    }

    @Test
    void servesTheBytesFromATemporaryFileThatGoesWhenRead() throws Exception {
        LabdArtifacts artifacts = new LabdArtifacts(repository, tmp, 1024);
        try (InputStream in = artifacts.open("k3s", "v1.30.2+k3s1")) {
            assertArrayEquals(ModuleCacheTest.JAR, in.readAllBytes());
        }
        assertEquals(List.of("/api/v1/repo/k3s/v1.30.2%2Bk3s1/content"), repository.paths);
        assertEquals(List.of(), left());
    }

    @Test
    void refusesOddNamesLabdsRefusalsAndOversizedArtifactsLeavingNothing() throws Exception {
        var odd = assertThrows(IOException.class, () -> new LabdArtifacts(repository, tmp, 1024).open("../x", "1"));
        assertTrue(odd.getMessage().startsWith("artifact name and version must match"), odd.getMessage());
        assertEquals(List.of(), repository.paths, "nothing was asked of labd");

        repository.status = 404;
        var missing = assertThrows(IOException.class, () -> new LabdArtifacts(repository, tmp, 1024).open("k3s", "1"));
        assertTrue(missing.getMessage().contains("did not serve artifact k3s 1 (HTTP 404)"), missing.getMessage());

        repository.status = 200;
        var big = assertThrows(IOException.class, () -> new LabdArtifacts(repository, tmp, 3).open("k3s", "1"));
        assertTrue(big.getMessage().contains("larger than the 3 bytes"), big.getMessage());
        assertEquals(List.of(), left());
    }
}
