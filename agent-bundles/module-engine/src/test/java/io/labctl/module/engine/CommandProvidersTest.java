package io.labctl.module.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.labctl.module.CommandResource;
import io.labctl.module.DesiredState;
import io.labctl.module.FileResource;
import io.labctl.module.PackageResource;
import io.labctl.module.ServiceResource;
import io.labctl.module.SysctlResource;
import io.labctl.module.UserResource;
import io.labctl.protocol.modules.ResourceResult;

/**
 * What the command-based providers run, through a scripted host (their real-machine tests run the same providers
 * through a machine's Host).
 */
class CommandProvidersTest {
    @TempDir
    Path root;

    @Test
    void aServiceRestartsWhenAWatchedFileChangedAndOnlyThen() throws Exception {
        ScriptedHost host = new ScriptedHost(root).answer("systemctl is-enabled", 0, "enabled\n");
        Engine engine = new Engine(host);
        DesiredState state = Scratch.state(new ServiceResource("app.service").running(true).enabled(true)
                        .watches("file:/etc/app.conf"),
                new FileResource("/etc/app.conf").content("v=1\n"));
        EngineRun first = engine.apply(state);
        assertEquals(List.of("file:/etc/app.conf", "service:app.service"),
                first.results().stream().map(ResourceResult::id).toList(), "a service comes after what it watches");
        assertEquals("restart app.service (file:/etc/app.conf changed)", first.result("service:app.service").diff());
        assertEquals(List.of("systemctl restart app.service"), host.changes());

        host.ran.clear();
        EngineRun second = engine.apply(state);
        assertEquals(0, second.changed(), () -> second.results().toString());
        assertEquals(List.of(), host.changes());
    }

    @Test
    void aStoppedServiceIsStartedAndEnabledAndItsUnitFileWrittenWithADaemonReload() throws Exception {
        ScriptedHost host = new ScriptedHost(root).answer("systemctl is-active", 3, "inactive\n")
                .answer("systemctl is-enabled", 1, "disabled\n");
        ResourceResult result = Scratch.only(new Engine(host).apply(Scratch.state(
                new ServiceResource("app.service").unitFile("[Service]\nExecStart=/bin/true\n").enabled(true).running(true))));
        assertTrue(result.diff().contains("+ExecStart=/bin/true"), result.diff());
        assertEquals(List.of("systemctl daemon-reload", "systemctl enable app.service", "systemctl start app.service"),
                host.changes());
        assertEquals("[Service]\nExecStart=/bin/true\n",
                Files.readString(root.resolve("etc/systemd/system/app.service")));
    }

    @Test
    void aMissingPackageIsInstalledWithAptAndAnInstalledOneLeftAlone() throws Exception {
        givenDpkg();
        // dpkg lists curl only as removed with its configuration kept ("rc"): not installed
        ScriptedHost missing = new ScriptedHost(root).answer("dpkg-query", 0, "curl\tcurl\trc \t7.88.1-10\n");
        ResourceResult installed = Scratch.only(new Engine(missing).apply(Scratch.state(new PackageResource("curl"))));
        assertEquals("install package curl", installed.diff());
        assertEquals(1, missing.changes().size());
        assertTrue(missing.changes().get(0).contains("apt-get -y -q"), missing.changes().get(0));
        assertTrue(missing.changes().get(0).endsWith("install curl"), missing.changes().get(0));

        ScriptedHost present = new ScriptedHost(root).answer("dpkg-query", 0,
                "bash\tbash\tii \t5.2.15-2+b7\ncurl\tcurl\tii \t7.88.1-10\n");
        assertEquals(ResourceResult.UNCHANGED, Scratch.only(new Engine(present).apply(
                Scratch.state(new PackageResource("curl")))).status());
        assertEquals("package curl 7.88.1-10 -> 8.0-1", Scratch.only(new Engine(present).plan(
                Scratch.state(new PackageResource("curl").version("8.0-1")))).diff());
    }

    @Test
    void dpkgIsAskedOnceUntilItsDatabaseChanges() throws Exception {
        givenDpkg();
        Path status = root.resolve("var/lib/dpkg/status");
        Files.createDirectories(root.resolve("var/lib/dpkg/updates"));
        Files.writeString(status, "Package: curl\n");
        ScriptedHost host = new ScriptedHost(root).answer("dpkg-query", 0,
                "libc6:amd64\tlibc6\tii \t2.36-9\ncurl\tcurl\tii \t7.88.1-10\n");
        DesiredState state = Scratch.state(new PackageResource("curl"), new PackageResource("libc6"),
                new PackageResource("libc6:amd64"));
        for (int i = 0; i < 3; i++) {
            assertEquals(0, new Engine(host).plan(state).changed());
        }
        assertEquals(1, queries(host), "three plans of three packages: one listing");

        // dpkg at work: a journal file appears
        Files.writeString(root.resolve("var/lib/dpkg/updates/0001"), "Package: vim\n");
        new Engine(host).plan(state);
        assertEquals(2, queries(host));

        // dpkg done: a new status file renamed over the old one, the journal emptied; now curl is gone
        Path next = root.resolve("var/lib/dpkg/status-new");
        Files.writeString(next, "Package: libc6\n");
        Files.move(next, status, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.delete(root.resolve("var/lib/dpkg/updates/0001"));
        host.answer("dpkg-query", 0, "libc6:amd64\tlibc6\tii \t2.36-9\n");
        assertEquals("install package curl", Scratch.only(new Engine(host).plan(
                Scratch.state(new PackageResource("curl")))).diff());
        assertEquals(3, queries(host));
    }

    @Test
    void aPackageDatabaseThatCannotBeListedFailsTheResourceWithDpkgsReason() throws Exception {
        givenDpkg();
        ScriptedHost host = new ScriptedHost(root).answer("dpkg-query", 2, "");
        ResourceResult r = Scratch.only(new Engine(host).plan(Scratch.state(new PackageResource("curl"))));
        assertEquals(ResourceResult.FAILED, r.status());
        assertTrue(r.reason().contains("dpkg-query") && r.reason().contains("exited with 2"), r.reason());
    }

    /** The root looks like a Debian machine's: the package resources use dpkg and apt. */
    private void givenDpkg() throws IOException {
        Files.createDirectories(root.resolve("usr/bin"));
        Files.writeString(root.resolve("usr/bin/dpkg-query"), "");
    }

    private static long queries(ScriptedHost host) {
        return host.ran.stream().filter(c -> c.startsWith("dpkg-query")).count();
    }

    @Test
    void aGuardedCommandRunsOnlyWhenItsUnlessCommandFails() {
        ScriptedHost done = new ScriptedHost(root).answer("app migrated", 0, "");
        DesiredState state = Scratch.state(new CommandResource("migrate", "app", "migrate").unless("app", "migrated"));
        assertEquals(ResourceResult.UNCHANGED, Scratch.only(new Engine(done).apply(state)).status());
        assertEquals(List.of("app migrated"), done.ran);

        ScriptedHost pending = new ScriptedHost(root).answer("app migrated", 1, "");
        assertEquals("run app migrate (unless-command failed)", Scratch.only(new Engine(pending).apply(state)).diff());
        assertEquals(List.of("app migrated", "app migrate"), pending.ran);

        ScriptedHost failing = new ScriptedHost(root).answer("app migrated", 1, "").answer("app migrate", 2, "");
        ResourceResult failed = Scratch.only(new Engine(failing).apply(state));
        assertEquals(ResourceResult.FAILED, failed.status());
        assertEquals("'app migrate' exited with 2", failed.reason());
    }

    @Test
    void anUnguardedCommandRunsOnEveryApply() {
        ScriptedHost host = new ScriptedHost(root);
        DesiredState state = Scratch.state(new CommandResource("touch", "touch", "/tmp/x"));
        assertEquals(1, new Engine(host).apply(state).changed());
        assertEquals(1, new Engine(host).apply(state).changed());
        assertEquals(List.of("touch /tmp/x", "touch /tmp/x"), host.ran);
    }

    @Test
    void aSysctlIsPersistedAndSetOnceAndItsLineRemovedWhenAbsent() throws Exception {
        ScriptedHost host = new ScriptedHost(root).answer("sysctl -n net.ipv4.ip_forward", 0, "0\n");
        DesiredState state = Scratch.state(new SysctlResource("net.ipv4.ip_forward", "1"));
        ResourceResult set = Scratch.only(new Engine(host).apply(state));
        assertTrue(set.diff().startsWith("net.ipv4.ip_forward 0 -> 1"), set.diff());
        assertEquals(List.of("sysctl -w net.ipv4.ip_forward=1"), host.changes());
        Path conf = root.resolve("etc/sysctl.d/90-labctl.conf");
        assertEquals("net.ipv4.ip_forward = 1\n", Files.readString(conf));

        ScriptedHost after = new ScriptedHost(root).answer("sysctl -n net.ipv4.ip_forward", 0, "1\n");
        assertEquals(ResourceResult.UNCHANGED, Scratch.only(new Engine(after).apply(state)).status());
        new Engine(after).apply(Scratch.state(new SysctlResource("net.ipv4.ip_forward", "1").absent()));
        assertEquals("", Files.readString(conf));
    }

    @Test
    void aUserJoinsTheGroupOfItsNameWhenOneExistsInsteadOfUseraddRefusingIt() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\n");
        ScriptedHost alone = new ScriptedHost(root);
        new Engine(alone).apply(Scratch.state(new UserResource("site").system(true)));
        assertEquals(List.of("useradd --system site"), alone.changes(), "useradd makes the user's own group");

        Files.writeString(root.resolve("etc/group"), "root:x:0:\nsite:x:998:\n");
        ScriptedHost withGroup = new ScriptedHost(root);
        new Engine(withGroup).apply(Scratch.state(new UserResource("site").system(true)));
        assertEquals(List.of("useradd --system --gid site site"), withGroup.changes(),
                "a group of the user's name exists (declared before it): the user joins it");
    }
}
