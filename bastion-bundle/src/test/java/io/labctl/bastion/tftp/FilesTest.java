package io.labctl.bastion.tftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesTest {
    @TempDir
    Path tmp;
    Path root;
    RootDirectoryFiles files;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("pxelinux.cfg"));
        Files.writeString(root.resolve("pxelinux.cfg/default"), "DEFAULT linux\n");
        Files.writeString(tmp.resolve("secret"), "outside");
        Files.createSymbolicLink(root.resolve("escape"), tmp.resolve("secret"));
        Files.createSymbolicLink(root.resolve("escdir"), tmp);
        Files.createSymbolicLink(root.resolve("inside"), root.resolve("pxelinux.cfg/default"));
        files = new RootDirectoryFiles(root);
    }

    private String read(TftpFiles f, String name) throws Exception {
        try (TftpSource s = f.open(name)) {
            ByteBuffer b = s.chunk(0, (int) s.size());
            byte[] a = new byte[b.remaining()];
            b.get(a);
            return new String(a, StandardCharsets.UTF_8);
        }
    }

    private int refusal(TftpFiles f, String name) {
        return assertThrows(TftpException.class, () -> f.open(name).close(), name).errorCode();
    }

    @Test
    void servesRelativeNamesTheWayPxeClientsSendThem() throws Exception {
        assertEquals("DEFAULT linux\n", read(files, "pxelinux.cfg/default"));
        assertEquals("DEFAULT linux\n", read(files, "/pxelinux.cfg/default"));
        assertEquals("DEFAULT linux\n", read(files, "//pxelinux.cfg//./default"));
        assertEquals("DEFAULT linux\n", read(files, "pxelinux.cfg\\default"), "WDS-style backslashes");
        assertEquals("DEFAULT linux\n", read(files, "inside"), "symlink inside the root is fine");
    }

    @Test
    void refusesTraversal() {
        for (String name : new String[] {"../secret", "/../secret", "pxelinux.cfg/../../secret", "..\\secret",
                "pxelinux.cfg\\..\\..\\secret", "a\0b", "C:\\secret", "", "/", "escape", "escdir/secret", "pxelinux.cfg"}) {
            assertEquals(TftpPacket.ERR_ACCESS_VIOLATION, refusal(files, name), name.replace("\0", "\\0"));
        }
    }

    @Test
    void missingFilesAndEncodedDotsAreNotFound() {
        assertEquals(TftpPacket.ERR_FILE_NOT_FOUND, refusal(files, "nope"));
        // TFTP has no URL encoding: "%2e%2e" is just an odd file name inside the root.
        assertEquals(TftpPacket.ERR_FILE_NOT_FOUND, refusal(files, "%2e%2e/secret"));
        // An absolute path is taken relative to the root, never as a host path.
        assertEquals(TftpPacket.ERR_FILE_NOT_FOUND, refusal(files, "/etc/passwd"));
    }

    @Test
    void virtualFilesOverlayTheDirectory() throws Exception {
        VirtualFiles virtual = new VirtualFiles().put("/boot.ipxe", "#!ipxe\nchain http://x\n".getBytes())
                .put("pxelinux.cfg/default", () -> "generated".getBytes());
        TftpFiles both = CompositeFiles.of(virtual, files);
        assertEquals("#!ipxe\nchain http://x\n", read(both, "boot.ipxe"));
        assertEquals("generated", read(both, "pxelinux.cfg//default"));
        assertEquals("DEFAULT linux\n", read(both, "inside"), "falls through on not found");
        assertEquals(TftpPacket.ERR_ACCESS_VIOLATION, refusal(both, "../x"));
        assertEquals(TftpPacket.ERR_FILE_NOT_FOUND, refusal(both, "missing"));
        assertThrows(IllegalArgumentException.class, () -> virtual.put("../evil", new byte[0]));
    }

    @Test
    void mappedSourceServesLargeFilesAcrossWindows() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(1).nextBytes(data);
        Files.write(root.resolve("big"), data);
        try (TftpSource s = files.open("big")) {
            assertEquals(data.length, s.size());
            byte[] back = new byte[data.length];
            for (int off = 0; off < data.length; off += 65464) {
                int len = Math.min(65464, data.length - off);
                s.chunk(off, len).get(back, off, len);
            }
            assertArrayEquals(data, back);
        }
    }
}
