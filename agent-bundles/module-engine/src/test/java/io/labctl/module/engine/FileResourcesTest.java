package io.labctl.module.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.labctl.module.DesiredState;
import io.labctl.module.DirectoryResource;
import io.labctl.module.FileResource;
import io.labctl.module.LineResource;
import io.labctl.module.Secret;
import io.labctl.module.SymlinkResource;
import io.labctl.protocol.modules.ResourceResult;

/** File, directory, symlink and line resources on a scratch root: applied, applied again unchanged, drift repaired. */
class FileResourcesTest {
    @TempDir
    Path root;

    private Scratch scratch() {
        return new Scratch(root);
    }

    private static int mode(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    @Test
    void aFileIsCreatedWithContentAndModeThenLeftAlone() throws Exception {
        Scratch s = scratch();
        DesiredState state = Scratch.state(new FileResource("/etc/app/app.conf").content("port=80\n").mode(0640));
        ResourceResult created = Scratch.only(s.applyTwice(state));
        assertTrue(created.diff().contains("create /etc/app/app.conf (mode 0640)"), created.diff());
        assertTrue(created.diff().contains("+port=80"), created.diff());
        assertEquals("port=80\n", s.read("/etc/app/app.conf"));
        assertEquals(0640, mode(s.path("/etc/app/app.conf")));
    }

    @Test
    void aPlanChangesNothingAndAnApplyRepairsDriftWithAUnifiedDiff() throws Exception {
        Scratch s = scratch();
        DesiredState state = Scratch.state(new FileResource("/etc/motd").content("a\nb\nc\n").mode(0644));
        assertEquals(1, s.engine.plan(state).changed());
        assertFalse(Files.exists(s.path("/etc/motd")), "a plan creates nothing");
        s.applyTwice(state);

        s.write("/etc/motd", "a\nX\nc\n");
        Files.setAttribute(s.path("/etc/motd"), "unix:mode", 0600);
        ResourceResult drift = Scratch.only(s.engine.plan(state));
        assertEquals(ResourceResult.CHANGED, drift.status());
        assertTrue(drift.diff().contains("--- /etc/motd") && drift.diff().contains("-X") && drift.diff().contains("+b"),
                drift.diff());
        assertTrue(drift.diff().contains("mode 0600 -> 0644"), drift.diff());
        assertEquals("a\nX\nc\n", s.read("/etc/motd"), "the plan left the drift alone");

        assertEquals(1, s.engine.apply(state).changed());
        assertEquals("a\nb\nc\n", s.read("/etc/motd"));
        assertEquals(0644, mode(s.path("/etc/motd")));
        assertEquals(0, s.engine.apply(state).changed());
    }

    @Test
    void sensitiveContentIsNeverShown() throws Exception {
        Scratch s = scratch();
        DesiredState state = Scratch.state(new FileResource("/etc/token").content(new Secret("s3cr3t-token")).mode(0600));
        ResourceResult created = Scratch.only(s.applyTwice(state));
        assertFalse(created.diff().contains("s3cr3t"), created.diff());
        assertTrue(created.diff().contains("sensitive, not shown"), created.diff());

        s.write("/etc/token", "old-s3cr3t\n");
        ResourceResult changed = Scratch.only(s.engine.apply(state));
        assertEquals("content changed (sensitive, not shown)", changed.diff());
        assertEquals("s3cr3t-token", s.read("/etc/token"));
    }

    @Test
    void ownerAndGroupAreResolvedInTheRootsOwnAccountFilesAndSetNumerically() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "changing a file's owner needs root");
        Scratch s = scratch();
        s.write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\napp:x:4321:4322::/srv/app:/bin/sh\n");
        s.write("/etc/group", "root:x:0:\napp:x:4322:\n");
        DesiredState state = Scratch.state(new FileResource("/srv/app/config").content("x\n").owner("app").group("app"),
                new DirectoryResource("/srv/app/data").owner("app").mode(0750));
        ResourceResult file = s.applyTwice(state).results().get(0);
        assertTrue(file.diff().contains("owner app, group app"), file.diff());
        assertEquals(4321, Files.getAttribute(s.path("/srv/app/config"), "unix:uid"));
        assertEquals(4322, Files.getAttribute(s.path("/srv/app/config"), "unix:gid"));
        assertEquals(4321, Files.getAttribute(s.path("/srv/app/data"), "unix:uid"));

        Files.setAttribute(s.path("/srv/app/config"), "unix:uid", 0);
        assertEquals("owner root -> app", Scratch.only(
                s.engine.plan(Scratch.state(new FileResource("/srv/app/config").content("x\n").owner("app")))).diff());
    }

    @Test
    void anOwnerTheMachineDoesNotKnowFailsNamingTheFix() throws Exception {
        Scratch s = scratch();
        s.write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
        ResourceResult result = Scratch.only(s.engine.apply(Scratch.state(new FileResource("/etc/x").owner("ghost"))));
        assertEquals(ResourceResult.FAILED, result.status());
        assertTrue(result.reason().contains("user ghost is not in /etc/passwd"), result.reason());
        assertFalse(Files.exists(s.path("/etc/x")));
    }

    @Test
    void anAbsentFileIsRemovedOnce() throws Exception {
        Scratch s = scratch();
        s.write("/etc/old.conf", "x");
        DesiredState state = Scratch.state(new FileResource("/etc/old.conf").absent());
        assertEquals("remove /etc/old.conf", Scratch.only(s.applyTwice(state)).diff());
        assertFalse(Files.exists(s.path("/etc/old.conf")));
    }

    @Test
    void aDirectoryIsCreatedThenItsModeRepaired() throws Exception {
        Scratch s = scratch();
        DesiredState state = Scratch.state(new DirectoryResource("/var/lib/app/cache").mode(0750));
        assertTrue(Scratch.only(s.applyTwice(state)).diff().startsWith("create directory /var/lib/app/cache"));
        assertEquals(0750, mode(s.path("/var/lib/app/cache")));
        Files.setAttribute(s.path("/var/lib/app/cache"), "unix:mode", 0777);
        assertEquals("mode 0777 -> 0750", Scratch.only(s.engine.apply(state)).diff());
        assertEquals(0750, mode(s.path("/var/lib/app/cache")));
    }

    @Test
    void anAbsentDirectoryIsRemovedOnlyWhenEmpty() throws Exception {
        Scratch s = scratch();
        s.write("/srv/old/keep.txt", "unmanaged");
        DesiredState state = Scratch.state(new DirectoryResource("/srv/old").absent());
        ResourceResult refused = Scratch.only(s.engine.apply(state));
        assertEquals(ResourceResult.FAILED, refused.status());
        assertTrue(refused.reason().contains("/srv/old is not empty"), refused.reason());
        assertTrue(Files.exists(s.path("/srv/old/keep.txt")));

        Files.delete(s.path("/srv/old/keep.txt"));
        s.applyTwice(state);
        assertFalse(Files.exists(s.path("/srv/old")));
    }

    @Test
    void aSymlinkIsCreatedAndRetargeted() throws Exception {
        Scratch s = scratch();
        DesiredState state = Scratch.state(new SymlinkResource("/etc/app/current", "/opt/app-2"));
        assertEquals("create symlink /etc/app/current -> /opt/app-2", Scratch.only(s.applyTwice(state)).diff());
        assertEquals(Path.of("/opt/app-2"), Files.readSymbolicLink(s.path("/etc/app/current")));

        Files.delete(s.path("/etc/app/current"));
        Files.createSymbolicLink(s.path("/etc/app/current"), Path.of("/opt/app-1"));
        assertEquals("symlink /etc/app/current -> /opt/app-2 (was -> /opt/app-1)",
                Scratch.only(s.engine.apply(state)).diff());
        assertEquals(Path.of("/opt/app-2"), Files.readSymbolicLink(s.path("/etc/app/current")));

        s.applyTwice(Scratch.state(new SymlinkResource("/etc/app/current", "x").absent()));
        assertFalse(Files.exists(s.path("/etc/app/current"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aPathHoldingAnotherKindOfNodeFailsInsteadOfBeingReplaced() throws Exception {
        Scratch s = scratch();
        s.write("/etc/app/current", "a regular file");
        ResourceResult result = Scratch.only(s.engine.apply(Scratch.state(new SymlinkResource("/etc/app/current", "/x"))));
        assertEquals(ResourceResult.FAILED, result.status());
        assertTrue(result.reason().contains("/etc/app/current is a regular file, not a symlink"), result.reason());
        assertEquals("a regular file", s.read("/etc/app/current"));
    }

    @Test
    void aLineIsAppendedOnceAndTheRestOfTheFileKept() throws Exception {
        Scratch s = scratch();
        s.write("/etc/hosts", "127.0.0.1 localhost");
        DesiredState state = Scratch.state(new LineResource("/etc/hosts", "10.0.0.5 labd"));
        ResourceResult added = Scratch.only(s.applyTwice(state));
        assertTrue(added.diff().contains("+10.0.0.5 labd"), added.diff());
        assertEquals("127.0.0.1 localhost\n10.0.0.5 labd\n", s.read("/etc/hosts"));
    }

    @Test
    void aLineReplacesTheFirstMatchingLine() throws Exception {
        Scratch s = scratch();
        s.write("/etc/ssh/sshd_config", "Port 22\nPermitRootLogin yes\n#PermitRootLogin no\n");
        DesiredState state = Scratch.state(
                new LineResource("/etc/ssh/sshd_config", "PermitRootLogin no").replacing("^PermitRootLogin\\b"));
        ResourceResult replaced = Scratch.only(s.applyTwice(state));
        assertTrue(replaced.diff().contains("-PermitRootLogin yes") && replaced.diff().contains("+PermitRootLogin no"),
                replaced.diff());
        assertEquals("Port 22\nPermitRootLogin no\n#PermitRootLogin no\n", s.read("/etc/ssh/sshd_config"));
    }

    @Test
    void aLineInAMissingFileMakesTheFileAndAnAbsentLineIsRemoved() throws Exception {
        Scratch s = scratch();
        s.applyTwice(Scratch.state(new LineResource("/etc/modules-load.d/k3s.conf", "br_netfilter")));
        assertEquals("br_netfilter\n", s.read("/etc/modules-load.d/k3s.conf"));
        s.write("/etc/modules-load.d/k3s.conf", "overlay\nbr_netfilter\n");
        s.applyTwice(Scratch.state(new LineResource("/etc/modules-load.d/k3s.conf", "br_netfilter").absent()));
        assertEquals("overlay\n", s.read("/etc/modules-load.d/k3s.conf"));
    }

    @Test
    void noTemporaryFileIsLeftBesideWhatWasWritten() throws Exception {
        Scratch s = scratch();
        s.applyTwice(Scratch.state(new FileResource("/etc/a").content("1"), new LineResource("/etc/b", "x"),
                new SymlinkResource("/etc/c", "/etc/a")));
        try (Stream<Path> files = Files.list(s.path("/etc"))) {
            assertEquals(List.of("a", "b", "c"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
