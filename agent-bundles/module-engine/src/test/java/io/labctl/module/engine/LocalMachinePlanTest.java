package io.labctl.module.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.labctl.module.GroupResource;
import io.labctl.module.PackageResource;
import io.labctl.module.UserResource;
import io.labctl.protocol.modules.ResourceResult;

/**
 * Plans (which change nothing) against the machine the build runs on, through Host.local: the package database and
 * the account files answer for real. Applying these resources is tested on a booted machine.
 */
class LocalMachinePlanTest {

    @Test
    void theRealPackageDatabaseAndAccountFilesAnswerAPlan() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg-query")), "a machine with dpkg");
        Engine engine = new Engine(Host.local(Path.of("/"), (name, version) -> {
            throw new IOException("no artifacts here");
        }));
        EngineRun run = engine.plan(Scratch.state(
                new PackageResource("coreutils"),
                new PackageResource("labctl-no-such-package"),
                new UserResource("root").uid(0),
                new GroupResource("root").gid(0)));
        assertEquals(List.of(ResourceResult.UNCHANGED, ResourceResult.CHANGED, ResourceResult.UNCHANGED,
                ResourceResult.UNCHANGED), run.results().stream().map(ResourceResult::status).toList(),
                () -> run.results().toString());
        assertEquals("install package labctl-no-such-package", run.result("package:labctl-no-such-package").diff());
    }
}
