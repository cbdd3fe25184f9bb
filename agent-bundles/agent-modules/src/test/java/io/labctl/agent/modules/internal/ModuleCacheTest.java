package io.labctl.agent.modules.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.agent.api.LabdRequests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleCacheTest {
    static final byte[] JAR = "the module's jar".getBytes(StandardCharsets.UTF_8);
    static final String SHA = sha256(JAR);

    @TempDir
    Path dir;

    /** A stand-in for labd's repository: serves bytes (or a status), counts the fetches, honours the limit. */
    static final class FakeRepository implements ModuleCache.Fetcher {
        final List<String> paths = new ArrayList<>();
        byte[] body = JAR;
        int status = 200;

        @Override
        public LabdRequests.Download download(String path, Path target, long maxBytes) throws IOException {
            paths.add(path);
            if (status != 200) {
                return new LabdRequests.Download(status, null, null, "no module m 9.9.9; versions: 1.0.0");
            }
            if (body.length > maxBytes) {
                throw new IOException("the answer is larger than the " + maxBytes + " bytes this agent accepts");
            }
            Files.write(target, body);
            return new LabdRequests.Download(200, target, sha256(body), null);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void fetchesOnceVerifiesAndServesFromTheCacheAfterwards() throws Exception {
        FakeRepository repo = new FakeRepository();
        ModuleCache cache = new ModuleCache(dir.resolve("modules"), repo, 1024);
        Path jar = cache.jar("m", "1.0.0", SHA);
        assertEquals(dir.resolve("modules/" + SHA + ".jar"), jar);
        assertArrayEquals(JAR, Files.readAllBytes(jar));
        assertEquals(List.of("/api/v1/repo/m/1.0.0/content"), repo.paths);
        cache.jar("m", "1.0.0", SHA);
        assertEquals(1, repo.paths.size(), "the second run is served from the cache");
    }

    @Test
    void aCorruptCacheFileIsDetectedByItsDigestAndFetchedAgain() throws Exception {
        FakeRepository repo = new FakeRepository();
        ModuleCache cache = new ModuleCache(dir, repo, 1024);
        Path jar = cache.jar("m", "1.0.0", SHA);
        Files.write(jar, "tampered".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(JAR, Files.readAllBytes(cache.jar("m", "1.0.0", SHA)));
        assertEquals(2, repo.paths.size());
    }

    @Test
    void bytesThatAreNotTheOnesNamedAreRefusedAndNotKept() throws Exception {
        FakeRepository repo = new FakeRepository();
        repo.body = "someone else's jar".getBytes(StandardCharsets.UTF_8);
        ModuleCache cache = new ModuleCache(dir, repo, 1024);
        var e = assertThrows(ModuleRunException.class, () -> cache.jar("m", "1.0.0", SHA));
        assertEquals(ModuleRunException.DIGEST_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("has SHA-256 " + sha256(repo.body) + ", but the run expects " + SHA),
                e.getMessage());
        assertTrue(e.getMessage().contains("nothing was installed"), e.getMessage());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "neither the bytes nor a cache entry stay behind");
        }
    }

    @Test
    void aRefusedOrOversizedFetchIsModuleUnavailableWithLabdsReason() {
        FakeRepository repo = new FakeRepository();
        repo.status = 404;
        var missing = assertThrows(ModuleRunException.class, () -> new ModuleCache(dir, repo, 1024).jar("m", "9.9.9", SHA));
        assertEquals(ModuleRunException.UNAVAILABLE, missing.code());
        assertTrue(missing.getMessage().contains("(HTTP 404): no module m 9.9.9; versions: 1.0.0"), missing.getMessage());

        repo.status = 200;
        var big = assertThrows(ModuleRunException.class, () -> new ModuleCache(dir, repo, 4).jar("m", "1.0.0", SHA));
        assertEquals(ModuleRunException.UNAVAILABLE, big.code());
        assertTrue(big.getMessage().contains("larger than the 4 bytes"), big.getMessage());
        assertFalse(Files.exists(dir.resolve(SHA + ".jar")));
    }

    @Test
    void pruningKeepsOnlyTheJarsOfInstalledModules() throws Exception {
        ModuleCache cache = new ModuleCache(dir, new FakeRepository(), 1024);
        cache.jar("m", "1.0.0", SHA);
        Files.writeString(dir.resolve("ff".repeat(32) + ".jar"), "old");
        cache.prune(Set.of(SHA));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(SHA + ".jar"), left.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void repositoryPathsAreEncoded() {
        assertEquals("/api/v1/repo/k3s/v1.30.2%2Bk3s1/content", ModuleCache.contentPath("k3s", "v1.30.2+k3s1"));
    }
}
