package io.labctl.ca.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyFileTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void aMissingFileReadsAsEmpty() {
        assertTrue(MasterKeyFile.read(dir.resolve("labd-master.key"), RANDOM).isEmpty());
    }

    @Test
    void createsThirtyTwoOwnerOnlyBytesAndReadsTheSameKeyBack() throws Exception {
        Path file = dir.resolve("etc/labd-master.key");
        MasterKey created = MasterKeyFile.readOrCreate(file, RANDOM);
        assertEquals(32, Files.size(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(created.keyCheck(), MasterKeyFile.read(file, RANDOM).orElseThrow().keyCheck());
        assertEquals(created.keyCheck(), MasterKeyFile.readOrCreate(file, RANDOM).keyCheck());
        try (var leftovers = Files.list(file.getParent())) {
            assertEquals(List.of(file), leftovers.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void aFileOfTheWrongSizeIsRefusedWithTheFix() throws Exception {
        Path file = dir.resolve("labd-master.key");
        Files.writeString(file, "not a key\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MasterKeyFile.readOrCreate(file, RANDOM));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("exactly 32"), e.getMessage());
        assertTrue(e.getMessage().contains("first labd instance"), e.getMessage());
        assertEquals("not a key\n", Files.readString(file), "an existing file is never overwritten");
    }

    @Test
    void concurrentCreatorsAllEndUpWithOneKey() throws Exception {
        Path file = dir.resolve("labd-master.key");
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<String>> checks = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                checks.add(pool.submit(() -> {
                    start.await();
                    return MasterKeyFile.readOrCreate(file, RANDOM).keyCheck();
                }));
            }
            start.countDown();
            Set<String> distinct = new HashSet<>();
            for (Future<String> check : checks) {
                distinct.add(check.get());
            }
            assertEquals(1, distinct.size());
            assertEquals(MasterKeyFile.read(file, RANDOM).orElseThrow().keyCheck(), distinct.iterator().next());
        } finally {
            pool.shutdownNow();
        }
    }
}
