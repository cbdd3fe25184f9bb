package io.labctl.modules.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.persistence.internal.TestDatabases;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.modules.ApplyRequest;
import io.labctl.protocol.modules.ModuleDescriptor;
import io.labctl.protocol.modules.RepoEntry;
import io.labctl.protocol.modules.ResourceResult;
import io.labctl.protocol.modules.ServerModuleStatus;
import io.labctl.shell.FakeAccessControl;
import io.labctl.shell.InMemoryServerRegistry;
import io.labctl.shell.RecordingAuditTrail;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Module dependencies ({@code requires} in module.yaml) against a real PostgreSQL: an apply, dry run or rollback
 * refused while a required module is not assigned, a removal refused while an assigned module requires it, and
 * labd's own convergence in dependency order, waiting where a required module has not converged.
 */
class RequirementsTest extends ModulesDatabase {
    static final Identity ADMIN = new Identity(Identity.Kind.USER, "admin");
    static final String LAB = "role=server,env=lab";
    static final String MISSING = "module-requirements-missing";

    InMemoryServerRegistry registry;
    Fakes.Agents agents;
    ModuleService service;
    Reconciler reconciler;

    @BeforeEach
    void fresh() throws Exception {
        empty();
        Fakes.Repository repository = new Fakes.Repository();
        // "app" sorts before "base": labd's own order would run app first unless it follows the requirement
        repository.entries.add(Fakes.module("base", "1.0.0"));
        repository.entries.add(Fakes.module("base", "2.0.0"));
        repository.entries.add(Fakes.module("app", "1.0.0"));
        repository.entries.add(requiring(Fakes.module("app", "2.0.0"), "base", "[1.0,2)"));
        registry = new InMemoryServerRegistry()
                .add("s1", "lab", "server", ServerInfo.ONLINE)
                .add("s2", "lab", "server", ServerInfo.ONLINE);
        agents = new Fakes.Agents();
        service = new ModuleService(db, TestDatabases.schema(db, "modules"), repository, registry, agents,
                new Fakes.XorSealer(), new RecordingAuditTrail(), Fakes.config(8));
        service.decisions = new FakeAccessControl().allow("admin", "*:*:*:*").serversOf(registry);
        reconciler = new Reconciler(service, Fakes.config(8));
        reconciler.deactivate(); // rounds are run by the tests
    }

    /** The entry with its descriptor requiring {@code name} at {@code range}. */
    private static RepoEntry requiring(RepoEntry e, String name, String range) {
        ModuleDescriptor d = e.descriptor();
        ModuleDescriptor withRequires = new ModuleDescriptor(d.name(), d.version(), d.description(), d.targets(),
                List.of(new ModuleDescriptor.Dependency(name, range)), d.inputs());
        return new RepoEntry(e.name(), e.version(), e.kind(), e.sha256(), e.size(), e.uploadedBy(), e.uploadedAt(), withRequires);
    }

    private static ApplyRequest on(String version, String selector) {
        return new ApplyRequest(version, selector, Map.of(), false, null, null, false);
    }

    private static ApplyRequest dryRun(String version, String selector) {
        return new ApplyRequest(version, selector, Map.of(), true, null, null, false);
    }

    private void apply(String module, String version, String selector) {
        service.execute(service.prepareApply(ADMIN, module, on(version, selector)), e -> { });
    }

    private void remove(String module, String selector) {
        service.execute(service.prepareRemove(ADMIN, module, on(null, selector)), e -> { });
    }

    private ServerModuleStatus status(String module, String server) {
        return service.status(ADMIN, module, server, null, false).stream().findFirst().orElse(null);
    }

    /** The call's refusal: a 409 with this code. */
    private static ApiException refused(String code, Executable call) {
        ApiException e = assertThrows(ApiException.class, call);
        assertEquals(409, e.status(), e.getMessage());
        assertEquals(code, e.code());
        return e;
    }

    private List<String> runsOf(String module) {
        return agents.calls.stream().filter(c -> module.equals(c.params().get("module")))
                .map(c -> c.server() + " " + c.params().get("action")).toList();
    }

    @Test
    void anApplyOrDryRunIsRefusedWhileARequiredModuleIsNotAssignedOnEveryTarget() {
        apply("base", "1.0.0", "name=s1");
        agents.calls.clear();

        for (ApplyRequest request : List.of(on("2.0.0", LAB), dryRun("2.0.0", LAB))) {
            String message = refused(MISSING, () -> service.prepareApply(ADMIN, "app", request)).getMessage();
            assertTrue(message.contains("base [1.0,2) is not assigned on s2"), message);
            assertFalse(message.contains("s1"), "s1 has base: " + message);
            assertTrue(message.contains("labctl modules apply base -l " + LAB), message);
        }
        assertTrue(agents.calls.isEmpty(), "nothing ran");
        assertTrue(service.history("app").isEmpty(), "no revision recorded");
        assertTrue(service.status(ADMIN, "app", null, null, false).isEmpty());

        apply("base", "1.0.0", LAB);
        apply("app", "2.0.0", LAB);
        assertEquals(ServerModuleStatus.CONVERGED, status("app", "s2").state());
        apply("app", "1.0.0", "name=s1"); // a version that requires nothing needs nothing
    }

    @Test
    void aRequiredModuleAtAVersionOutsideTheRangeDoesNotCount() {
        apply("base", "2.0.0", LAB);

        ApiException refused = refused(MISSING, () -> service.prepareApply(ADMIN, "app", on("2.0.0", LAB)));

        assertTrue(refused.getMessage().contains("base [1.0,2) is not assigned on s1, s2"), refused.getMessage());
        assertTrue(refused.getMessage().contains("s1 has 2.0.0"), refused.getMessage());
    }

    @Test
    void applyingARequiredModuleAtAVersionOutsideWhatADependentAcceptsIsRefused() {
        apply("base", "1.0.0", LAB);
        apply("app", "2.0.0", "name=s1");
        agents.calls.clear();

        for (ApplyRequest request : List.of(on("2.0.0", LAB), dryRun("2.0.0", LAB))) {
            String message = refused("module-requirement-broken",
                    () -> service.prepareApply(ADMIN, "base", request)).getMessage();
            assertTrue(message.contains("app@2.0.0 requires base [1.0,2) on s1."), message);
        }
        assertTrue(agents.calls.isEmpty());
        assertEquals(1, service.history("base").size(), "no revision recorded");

        apply("base", "2.0.0", "name=s2"); // nothing there requires base
        assertEquals(List.of("s2 apply"), runsOf("base"));
    }

    @Test
    void aRollbackToARevisionWhoseVersionRequiresMoreIsRefused() {
        apply("base", "1.0.0", LAB);
        apply("app", "2.0.0", LAB); // revision 1 requires base
        apply("app", "1.0.0", LAB); // revision 2 does not
        remove("base", LAB);
        agents.calls.clear();

        String message = refused(MISSING, () -> service.prepareRollback(ADMIN, "app", 1, null)).getMessage();

        assertTrue(message.contains("app@2.0.0 requires"), message);
        assertTrue(message.contains("base [1.0,2) is not assigned on s1, s2"), message);
        assertTrue(agents.calls.isEmpty());
        assertEquals(2, service.history("app").size(), "no revision recorded");
    }

    @Test
    void aRemovalIsRefusedWhereAnAssignedModuleStillRequiresIt() {
        apply("base", "1.0.0", LAB);
        apply("app", "2.0.0", "name=s1");
        agents.calls.clear();

        String message = refused("module-still-required",
                () -> service.prepareRemove(ADMIN, "base", on(null, LAB))).getMessage();

        assertTrue(message.contains("app on s1."), message);
        assertFalse(message.contains("s2"), message);
        assertTrue(message.contains("labctl modules remove app -l " + LAB), message);
        assertTrue(agents.calls.isEmpty(), "no removal ran");
        assertEquals(1, service.history("base").size(), "no revision recorded");
        assertEquals(ServerModuleStatus.CONVERGED, status("base", "s1").state());

        remove("base", "name=s2"); // nothing there requires it
        assertEquals(List.of("s2 remove"), runsOf("base"));
        remove("app", "name=s1");
        remove("base", "name=s1"); // app's removal ran there: base is free to go
        assertEquals(List.of("s2 remove", "s1 remove"), runsOf("base"));
    }

    @Test
    void labdConvergesANewServerInDependencyOrder() {
        apply("base", "1.0.0", LAB);
        apply("app", "2.0.0", LAB);
        agents.calls.clear();
        registry.add("s9", "lab", "server", ServerInfo.ONLINE);

        reconciler.reconcile(Instant.now());

        assertEquals(List.of("base", "app"), agents.callsTo("s9").stream().map(c -> c.params().get("module")).toList());
        assertEquals(ServerModuleStatus.CONVERGED, status("app", "s9").state());
    }

    @Test
    void labdDoesNotRunAModuleWhereWhatItRequiresFailedAndRunsItOnceThatConverged() {
        apply("base", "1.0.0", LAB);
        apply("app", "2.0.0", LAB);
        agents.calls.clear();
        registry.add("s9", "lab", "server", ServerInfo.ONLINE);
        agents.behaviour.put("s9", p -> "base".equals(p.get("module"))
                ? Fakes.Agents.report(p, ResourceResult.FAILED) : Fakes.Agents.changedOnApply(p));

        Reconciler.Round round = reconciler.reconcile(Instant.now());
        reconciler.reconcile(Instant.now());

        assertEquals(List.of("s9 apply"), runsOf("base"));
        assertEquals(List.of(), runsOf("app"), "app waits for base");
        assertEquals(List.of("base"), round.converged().stream().map(m -> m.assignment().module).toList());
        ServerModuleStatus app = status("app", "s9");
        assertEquals(ServerModuleStatus.PENDING, app.state());
        assertEquals("waiting for base (failed on s9)", app.detail());

        agents.behaviour.remove("s9");
        apply("base", "1.0.0", "name=s9"); // the operator repairs it
        reconciler.reconcile(Instant.now());

        assertEquals(List.of("s9 apply"), runsOf("app"));
        assertEquals(ServerModuleStatus.CONVERGED, status("app", "s9").state());
    }

    @Test
    void aNewServerThatMatchesAModuleButNotWhatItRequiresWaitsForIt() {
        apply("base", "1.0.0", LAB);
        apply("app", "2.0.0", "env=lab");
        agents.calls.clear();
        registry.add("w9", "lab", "worker", ServerInfo.ONLINE); // matches app's selector, not base's

        reconciler.reconcile(Instant.now());

        assertTrue(agents.calls.isEmpty(), agents.calls.toString());
        ServerModuleStatus app = status("app", "w9");
        assertEquals(ServerModuleStatus.PENDING, app.state());
        assertEquals("waiting for base: not assigned to w9 at [1.0,2)", app.detail());
    }

    @Test
    void rangesAreOsgiRanges() {
        assertTrue(Requirements.inRange("1.4.2", "[1.0,2)"));
        assertFalse(Requirements.inRange("2.0.0", "[1.0,2)"));
        assertTrue(Requirements.inRange("2.0.0", "[1.0, 2.0]"));
        assertTrue(Requirements.inRange("3.0.0", "1.2"), "a bare version means at least");
        assertFalse(Requirements.inRange("1.1.9", "1.2"));
        assertTrue(Requirements.inRange("0.0.1", null), "no range: any version");
    }
}
