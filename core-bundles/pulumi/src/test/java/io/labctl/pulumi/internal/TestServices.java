package io.labctl.pulumi.internal;

import io.labctl.api.audit.AuditWriter;
import io.labctl.api.environments.Environments;
import io.labctl.api.repository.BundleRepository;
import io.labctl.api.testing.MarkingSealer;
import io.labctl.persistence.Database;
import io.labctl.pulumi.engine.PulumiEngine;
import java.nio.file.Path;

/** This bundle's services as its tests in other packages (the shell commands') wire them. */
public final class TestServices {
    private TestServices() {}

    public static RunService runs(Database db, PulumiEngine engine, Environments environments, Path dir) {
        AuditWriter audit = new AuditWriter() {
            @Override
            public <T> T change(Event event, java.util.concurrent.Callable<T> work) throws Exception {
                return work.call();
            }

            @Override
            public void record(Event event, String result, Long durationMs, String error) {}
        };
        RunService runs = new RunService(db, new MarkingSealer(), engine, audit, dir.resolve("state").toUri().toString(),
                dir.resolve("stacks"), 4, 1000, "labd-test");
        runs.environments = environments;
        return runs;
    }

    public static AppService apps(RunService runs, BundleRepository repository, Database db, Environments environments) {
        AppService apps = new AppService(runs, repository, new MarkingSealer(), db);
        apps.environments = environments;
        return apps;
    }

    public static PulumiEngine engine() {
        return new RunServiceTest.EngineDouble();
    }
}
