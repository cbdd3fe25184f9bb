package io.labctl.module.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.module.CommandResource;
import io.labctl.module.DesiredState;
import io.labctl.module.FileResource;
import io.labctl.module.GroupResource;
import io.labctl.module.PackageResource;
import io.labctl.module.Resource;
import io.labctl.module.ServiceResource;
import io.labctl.module.UserResource;
import io.labctl.module.engine.EngineRun;
import io.labctl.protocol.modules.ResourceResult;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine on a real Debian machine (systemd as PID 1, the host's network for apt): the resource types a scratch
 * root cannot apply. Each applies, re-applies with nothing changed, and is removed with absent(). One machine for the
 * class; each test uses its own names.
 */
class EngineOnMachineTest {
    static Machine machine;

    @BeforeAll
    static void boot() throws Exception {
        Machine.assumeAvailable();
        machine = Machine.boot("engine-test");
    }

    @AfterAll
    static void stop() {
        if (machine != null) {
            machine.close();
        }
    }

    @Test
    void aPackageIsInstalledWithAptOnceAndRemovedWhenAbsent() throws Exception {
        // a fresh minbase root has no package lists yet; a server that has ever been updated has them
        Assumptions.assumeTrue(machine.run("apt-get", "update", "-qq").exitCode() == 0,
                "Debian's archive is not reachable from this machine (apt-get update failed)");
        assertEquals("not installed", packageStatus("hello"));

        EngineRun first = apply(() -> new PackageResource("hello"));
        assertEquals(Map.of("package:hello", ResourceResult.CHANGED), statuses(first), first.toString());
        assertEquals("install ok installed", packageStatus("hello"));
        assertTrue(machine.ok("/usr/bin/hello").contains("Hello, world!"));

        EngineRun again = apply(() -> new PackageResource("hello"));
        assertEquals(Map.of("package:hello", ResourceResult.UNCHANGED), statuses(again), again.toString());

        EngineRun plannedRemoval = tester(() -> List.of(new PackageResource("hello").absent())).plan();
        assertEquals(1, plannedRemoval.changed(), plannedRemoval.toString());
        assertEquals("install ok installed", packageStatus("hello"), "a plan changes nothing");

        EngineRun removed = apply(() -> new PackageResource("hello").absent());
        assertEquals(Map.of("package:hello", ResourceResult.CHANGED), statuses(removed), removed.toString());
        assertNotEquals("install ok installed", packageStatus("hello"));
        assertEquals(0, apply(() -> new PackageResource("hello").absent()).changed());
    }

    @Test
    void aServiceRunsEnabledAndRestartsOnlyWhenAFileItWatchesChanged() throws Exception {
        String unit = "[Unit]\nDescription=labctl engine test\n[Service]\nExecStart=/bin/sleep infinity\n"
                + "[Install]\nWantedBy=multi-user.target\n";
        String[] config = {"greeting = hello\n"};
        Supplier<List<Resource>> state = () -> List.of(
                new FileResource("/etc/engine-demo.conf").content(config[0]).mode(0644),
                new ServiceResource("engine-demo.service").unitFile(unit).enabled(true).running(true)
                        .watches("file:/etc/engine-demo.conf").requires("file:/etc/engine-demo.conf"));

        EngineRun first = applyAll(state);
        assertEquals(0, first.failed(), first.toString());
        assertEquals(ResourceResult.CHANGED, statuses(first).get("service:engine-demo.service"), first.toString());
        assertEquals("active", systemctl("is-active", "engine-demo.service"));
        assertEquals("enabled", systemctl("is-enabled", "engine-demo.service"));
        String invocation = invocationId("engine-demo.service");

        EngineRun again = applyAll(state);
        assertEquals(0, again.changed(), again.toString());
        assertEquals(invocation, invocationId("engine-demo.service"), "re-applying the same state restarted the service");

        config[0] = "greeting = hi\n";
        EngineRun changed = applyAll(state);
        assertEquals(Map.of("file:/etc/engine-demo.conf", ResourceResult.CHANGED,
                "service:engine-demo.service", ResourceResult.CHANGED), statuses(changed), changed.toString());
        assertNotEquals(invocation, invocationId("engine-demo.service"), "the watched file changed: a restart was due");
        assertEquals("active", systemctl("is-active", "engine-demo.service"));

        EngineRun stopped = apply(() -> new ServiceResource("engine-demo.service").enabled(false).running(false));
        assertEquals(1, stopped.changed(), stopped.toString());
        assertEquals("inactive", systemctl("is-active", "engine-demo.service"));
        assertEquals("disabled", systemctl("is-enabled", "engine-demo.service"));
        assertEquals(0, apply(() -> new ServiceResource("engine-demo.service").enabled(false).running(false)).changed());
    }

    @Test
    void aUserAndAGroupAreCreatedOnceOwnFilesByTheMachinesIdsAndGoWhenAbsent() throws Exception {
        Supplier<List<Resource>> state = () -> List.of(
                new GroupResource("labops").gid(2345),
                new UserResource("deploy").uid(2345).home("/home/deploy").shell("/bin/bash").groups("labops")
                        .requires("group:labops"),
                new FileResource("/etc/deploy.note").content("owned\n").owner("deploy").group("labops").mode(0640)
                        .requires("user:deploy"));

        EngineRun first = applyAll(state);
        assertEquals(3, first.changed(), first.toString());
        assertEquals("deploy:x:2345:", machine.ok("getent", "passwd", "deploy").substring(0, 14));
        assertTrue(machine.ok("getent", "passwd", "deploy").strip().endsWith(":/home/deploy:/bin/bash"),
                machine.ok("getent", "passwd", "deploy"));
        assertEquals("labops:x:2345:deploy", machine.ok("getent", "group", "labops").strip());
        // the owner is the machine's deploy (the host has no such user): ids come from the machine's /etc/passwd
        assertEquals("deploy:labops 640", machine.ok("stat", "-c", "%U:%G %a", "/etc/deploy.note").strip());

        EngineRun again = applyAll(state);
        assertEquals(0, again.changed(), again.toString());

        EngineRun gone = applyAll(() -> List.of(new FileResource("/etc/deploy.note").absent(),
                new UserResource("deploy").absent().requires("file:/etc/deploy.note"),
                new GroupResource("labops").absent().requires("user:deploy")));
        assertEquals(0, gone.failed(), gone.toString());
        assertEquals(2, machine.run("getent", "passwd", "deploy").exitCode(), "deploy still exists");
        assertEquals(2, machine.run("getent", "group", "labops").exitCode(), "labops still exists");
        assertTrue(Files.notExists(machine.root().resolve("etc/deploy.note")));
    }

    @Test
    void aCommandRunsUntilWhatItCreatesExistsOrItsUnlessCommandSucceeds() throws Exception {
        Supplier<List<Resource>> state = () -> List.of(
                new CommandResource("marker", "sh", "-c", "echo ran >> /var/tmp/marker.log; touch /var/tmp/marker")
                        .creates("/var/tmp/marker"),
                new CommandResource("unless", "sh", "-c", "echo ran >> /var/tmp/unless.log")
                        .unless("test", "-s", "/var/tmp/unless.log"));

        EngineRun first = applyAll(state);
        assertEquals(2, first.changed(), first.toString());
        EngineRun again = applyAll(state);
        assertEquals(0, again.changed(), again.toString());
        assertEquals("ran", machine.ok("cat", "/var/tmp/marker.log").strip(), "ran once");
        assertEquals("ran", machine.ok("cat", "/var/tmp/unless.log").strip(), "ran once");
    }

    @Test
    void aFailingCommandFailsWithItsReasonAndWhatComesAfterIsNotApplied() throws Exception {
        EngineRun run = applyAll(() -> List.of(
                new CommandResource("broken", "sh", "-c", "echo no disk >&2; exit 4"),
                new FileResource("/etc/after-broken").content("x\n")));
        Map<String, String> statuses = statuses(run);
        assertEquals(ResourceResult.FAILED, statuses.get("command:broken"), run.toString());
        assertEquals(ResourceResult.SKIPPED, statuses.get("file:/etc/after-broken"), run.toString());
        assertTrue(run.results().get(0).reason().contains("no disk") || run.results().get(0).reason().contains("4"),
                run.results().get(0).reason());
        assertTrue(Files.notExists(machine.root().resolve("etc/after-broken")));
    }

    // ---- helpers

    /** A module whose desired state is these resources (made anew for each run, as a module does). */
    static ModuleTester tester(Supplier<List<Resource>> resources) {
        return ModuleTester.of(context -> {
            DesiredState state = new DesiredState();
            resources.get().forEach(state::add);
            return state;
        }).server(machine.name()).machine(machine);
    }

    static EngineRun apply(Supplier<Resource> resource) throws Exception {
        return applyAll(() -> List.of(resource.get()));
    }

    static EngineRun applyAll(Supplier<List<Resource>> resources) throws Exception {
        return tester(resources).apply();
    }

    static Map<String, String> statuses(EngineRun run) {
        return run.results().stream().collect(Collectors.toMap(ResourceResult::id, ResourceResult::status));
    }

    static String packageStatus(String name) throws Exception {
        var r = machine.run("dpkg-query", "-W", "-f", "${Status}", name);
        return r.exitCode() == 0 ? r.stdout().strip() : "not installed";
    }

    static String systemctl(String verb, String unit) throws Exception {
        return machine.run("systemctl", verb, unit).stdout().strip();
    }

    /** systemd gives each start of a unit a new invocation id: a restart changes it, nothing else does. */
    static String invocationId(String unit) throws Exception {
        String id = machine.ok("systemctl", "show", "-p", "InvocationID", "--value", unit).strip();
        assertTrue(!id.isEmpty(), unit + " has no invocation (not running)");
        return id;
    }
}
