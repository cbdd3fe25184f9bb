package io.labctl.agent.exec.internal;

import static io.labctl.agent.exec.internal.Executables.Lookup.FOUND;
import static io.labctl.agent.exec.internal.Executables.Lookup.NOT_EXECUTABLE;
import static io.labctl.agent.exec.internal.Executables.Lookup.NOT_FOUND;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutablesTest {
    @Test
    void looksUpLikeExecvp(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.setPosixFilePermissions(Files.writeString(bin.resolve("run"), "#!/bin/sh\n"),
                PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(Files.writeString(other.resolve("data"), "x"),
                PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(Files.writeString(other.resolve("run"), "x"),
                PosixFilePermissions.fromString("rw-r--r--"));
        String path = other + ":" + bin;

        assertEquals(FOUND, Executables.lookup("run", path, dir), "an executable later on PATH wins");
        assertEquals(NOT_EXECUTABLE, Executables.lookup("data", path, dir));
        assertEquals(NOT_FOUND, Executables.lookup("missing", path, dir));
        assertEquals(FOUND, Executables.lookup("bin/run", path, dir), "relative to the working directory");
        assertEquals(NOT_EXECUTABLE, Executables.lookup(bin.toString(), path, dir), "a directory");
        assertEquals(FOUND, Executables.lookup("run", ":" + bin, bin), "an empty entry is the working directory");
        assertEquals(NOT_FOUND, Executables.lookup("", path, dir));
    }
}
