package io.labctl.module.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.labctl.module.CommandResource;
import io.labctl.module.GroupResource;
import io.labctl.module.PackageResource;
import io.labctl.module.Resource;
import io.labctl.module.ServiceResource;
import io.labctl.module.SysctlResource;
import io.labctl.module.UserResource;
import io.labctl.protocol.modules.ResourceResult;

/**
 * The resources that need a real machine fail cleanly on a scratch root, saying so; what a scratch root can answer
 * from its files (an existing account, a guard's created path) is still answered.
 */
class MachineOnlyResourcesTest {
    @TempDir
    Path root;

    /** Both plan and apply fail: even reading the resource's state takes a command. */
    private void assertNeedsARealMachine(Resource resource) {
        assertFailsNeedingARealMachine(resource, new Scratch(root).engine.plan(Scratch.state(resource)));
        assertApplyNeedsARealMachine(resource);
    }

    private void assertApplyNeedsARealMachine(Resource resource) {
        assertFailsNeedingARealMachine(resource, new Scratch(root).engine.apply(Scratch.state(resource)));
    }

    private static void assertFailsNeedingARealMachine(Resource resource, EngineRun run) {
        ResourceResult result = Scratch.only(run);
        assertEquals(ResourceResult.FAILED, result.status(), resource.id());
        assertTrue(result.reason().startsWith("needs a real machine"), result.reason());
    }

    @Test
    void packagesServicesSysctlAndUnguardedCommandsNeedARealMachine() {
        assertNeedsARealMachine(new PackageResource("nginx"));
        assertNeedsARealMachine(new ServiceResource("nginx.service").running(true));
        assertNeedsARealMachine(new SysctlResource("net.ipv4.ip_forward", "1"));
        assertNeedsARealMachine(new CommandResource("migrate", "/usr/bin/app", "migrate")
                .unless("/usr/bin/app", "migrated"));
    }

    @Test
    void aNewUserOrGroupIsPlannedFromTheAccountFilesAndNeedsARealMachineToApply() throws Exception {
        Scratch s = new Scratch(root);
        s.write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
        s.write("/etc/group", "root:x:0:\n");
        ResourceResult planned = Scratch.only(s.engine.plan(Scratch.state(
                new UserResource("app").system(true).shell("/usr/sbin/nologin"))));
        assertEquals("create user app (system, shell /usr/sbin/nologin)", planned.diff());
        assertApplyNeedsARealMachine(new UserResource("app"));
        assertApplyNeedsARealMachine(new GroupResource("app"));
    }

    @Test
    void anAccountAlreadyAsDeclaredAndACommandWhosePathExistsAreUnchangedWithoutRunningAnything() throws Exception {
        Scratch s = new Scratch(root);
        s.write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\napp:x:999:999::/srv/app:/usr/sbin/nologin\n");
        s.write("/etc/group", "root:x:0:\napp:x:999:\nweb:x:33:app\n");
        s.write("/var/lib/app/.initialised", "");
        EngineRun run = s.engine.apply(Scratch.state(
                new GroupResource("app").gid(999),
                new UserResource("app").uid(999).home("/srv/app").groups("web"),
                new CommandResource("init", "/usr/bin/app", "init").creates("/var/lib/app/.initialised")));
        assertEquals(List.of(ResourceResult.UNCHANGED, ResourceResult.UNCHANGED, ResourceResult.UNCHANGED),
                run.results().stream().map(ResourceResult::status).toList(), () -> run.results().toString());
    }
}
