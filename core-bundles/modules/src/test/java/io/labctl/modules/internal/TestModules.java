package io.labctl.modules.internal;

import io.labctl.api.Identity;
import io.labctl.persistence.Database;
import io.labctl.persistence.internal.TestDatabases;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.modules.ApplyRequest;
import io.labctl.shell.FakeAccessControl;
import io.labctl.shell.InMemoryServerRegistry;
import io.labctl.shell.RecordingAuditTrail;
import java.util.Map;

/**
 * For the command's tests: a modules service over test doubles, with module web applied to s1 (lab) and p1 (prod) by
 * admin; callers are then decided by the access control given.
 */
public final class TestModules {
    private TestModules() {}

    public static ModuleService withWebApplied(Database db, io.labctl.api.access.AccessDecisions callersAccess) {
        Fakes.Repository repository = new Fakes.Repository();
        repository.entries.add(Fakes.module("web", "1.0.0"));
        InMemoryServerRegistry registry = new InMemoryServerRegistry().add("s1", "lab", "server", ServerInfo.ONLINE)
                .add("p1", "prod", "server", ServerInfo.ONLINE);
        ModuleService service = new ModuleService(db, TestDatabases.schema(db, "modules"), repository, registry,
                new Fakes.Agents(), new Fakes.XorSealer(), new RecordingAuditTrail(), Fakes.config(4));
        service.decisions = new FakeAccessControl().allow("admin", "*:*:*:*").serversOf(registry);
        Identity admin = new Identity(Identity.Kind.USER, "admin");
        service.execute(service.prepareApply(admin, "web", new ApplyRequest(null, "role=server", Map.of(), false, null,
                null, false)), e -> { });
        service.decisions = callersAccess; // the callers' checks from here on, as labd shares one access control
        return service;
    }
}
