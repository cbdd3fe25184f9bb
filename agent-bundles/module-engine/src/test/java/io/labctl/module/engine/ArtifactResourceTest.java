package io.labctl.module.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.labctl.module.ArtifactResource;
import io.labctl.module.DesiredState;
import io.labctl.module.FileResource;
import io.labctl.protocol.modules.ResourceResult;

class ArtifactResourceTest {
    @TempDir
    Path root;

    private static final byte[] BINARY = "#!/bin/sh\necho k3s stand-in\n".getBytes(StandardCharsets.UTF_8);

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void anArtifactIsFetchedWithItsModeThenLeftAloneAndReplacedWhenItDrifts() throws Exception {
        Scratch s = new Scratch(root);
        s.artifacts.put("k3s/1.30.0", BINARY);
        DesiredState state = Scratch.state(
                new ArtifactResource("/usr/local/bin/k3s", "k3s", "1.30.0", sha256(BINARY)).mode(0755));
        ResourceResult fetched = Scratch.only(s.applyTwice(state));
        assertTrue(fetched.diff().startsWith("fetch k3s 1.30.0"), fetched.diff());
        assertArrayEquals(BINARY, Files.readAllBytes(s.path("/usr/local/bin/k3s")));
        assertEquals(0755, (Integer) Files.getAttribute(s.path("/usr/local/bin/k3s"), "unix:mode") & 07777);

        s.write("/usr/local/bin/k3s", "tampered");
        assertTrue(Scratch.only(s.engine.apply(state)).diff().startsWith("replace /usr/local/bin/k3s"));
        assertArrayEquals(BINARY, Files.readAllBytes(s.path("/usr/local/bin/k3s")));
    }

    @Test
    void aDigestMismatchLeavesNothingInPlaceAndSkipsTheRest() throws Exception {
        Scratch s = new Scratch(root);
        s.artifacts.put("k3s/1.30.0", "not what was pinned".getBytes(StandardCharsets.UTF_8));
        DesiredState state = Scratch.state(
                new ArtifactResource("/usr/local/bin/k3s", "k3s", "1.30.0", sha256(BINARY)).mode(0755),
                new FileResource("/etc/rancher/k3s/config.yaml").content("token: x\n"));
        List<ResourceResult> results = s.engine.apply(state).results();
        assertEquals(ResourceResult.FAILED, results.get(0).status());
        assertTrue(results.get(0).reason().contains("digest mismatch for k3s 1.30.0: expected sha256 " + sha256(BINARY)),
                results.get(0).reason());
        assertEquals(ResourceResult.SKIPPED, results.get(1).status());
        assertEquals("not applied: artifact:/usr/local/bin/k3s failed", results.get(1).reason());
        try (Stream<Path> left = Files.list(s.path("/usr/local/bin"))) {
            assertEquals(List.of(), left.toList(), "neither the target nor a temporary file is left");
        }
        assertFalse(Files.exists(s.path("/etc/rancher/k3s/config.yaml")));
    }

    @Test
    void aDigestMismatchKeepsTheFileThatWasThere() throws Exception {
        Scratch s = new Scratch(root);
        s.write("/usr/local/bin/k3s", "old version");
        s.artifacts.put("k3s/1.31.0", "corrupted download".getBytes(StandardCharsets.UTF_8));
        ResourceResult result = Scratch.only(s.engine.apply(Scratch.state(
                new ArtifactResource("/usr/local/bin/k3s", "k3s", "1.31.0", sha256(BINARY)))));
        assertEquals(ResourceResult.FAILED, result.status());
        assertEquals("old version", s.read("/usr/local/bin/k3s"));
    }

    @Test
    void anArtifactTheRepositoryCannotServeFailsWithItsReason() throws Exception {
        Scratch s = new Scratch(root);
        ResourceResult result = Scratch.only(s.engine.apply(Scratch.state(
                new ArtifactResource("/opt/x", "missing", "1.0", sha256(BINARY)))));
        assertEquals(ResourceResult.FAILED, result.status());
        assertTrue(result.reason().contains("no artifact missing/1.0"), result.reason());
        assertFalse(Files.exists(s.path("/opt/x")));
    }
}
