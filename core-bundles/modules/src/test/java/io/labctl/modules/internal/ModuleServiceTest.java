package io.labctl.modules.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.persistence.internal.TestDatabases;
import io.labctl.protocol.Json;
import io.labctl.protocol.Selector;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.modules.ApplyEvent;
import io.labctl.protocol.modules.ApplyRequest;
import io.labctl.protocol.modules.AssignmentRevision;
import io.labctl.protocol.modules.ModuleRun;
import io.labctl.protocol.modules.ResourceResult;
import io.labctl.protocol.modules.ServerModuleStatus;
import io.labctl.shell.FakeAccessControl;
import io.labctl.shell.InMemoryServerRegistry;
import io.labctl.shell.RecordingAuditTrail;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Assignments, runs, state and labd's own convergence against a real PostgreSQL and test doubles of the rest. */
class ModuleServiceTest extends ModulesDatabase {
    static final Identity ADMIN = new Identity(Identity.Kind.USER, "admin");
    static final Identity BOB = new Identity(Identity.Kind.USER, "bob");
    static final Identity READER = new Identity(Identity.Kind.USER, "reader");
    static final Identity CAROL = new Identity(Identity.Kind.USER, "carol");
    static final String SECRET = "hunter2-very-secret";

    Fakes.Repository repository;
    InMemoryServerRegistry registry;
    Fakes.Agents agents;
    RecordingAuditTrail audit;
    ModuleService service;
    Reconciler reconciler;

    @BeforeEach
    void fresh() throws Exception {
        empty();
        repository = new Fakes.Repository();
        repository.entries.add(Fakes.module("web", "1.0.0"));
        repository.entries.add(Fakes.module("web", "1.1.0"));
        repository.entries.add(Fakes.module("k3s-server", "1.0.0", "server"));
        registry = new InMemoryServerRegistry()
                .add("s1", "lab", "server", ServerInfo.ONLINE)
                .add("s2", "lab", "server", ServerInfo.ONLINE)
                .add("p1", "prod", "server", ServerInfo.ONLINE)
                .add("w1", "lab", "worker", ServerInfo.ONLINE);
        agents = new Fakes.Agents();
        audit = new RecordingAuditTrail();
        service = new ModuleService(db, TestDatabases.schema(db, "modules"), repository, registry, agents,
                new Fakes.XorSealer(), audit, Fakes.config(8));
        service.decisions = new FakeAccessControl().allow("admin", "*:*:*:*")
                .allow("bob", "apply:lab:lab:*", "read:lab:*:*")
                .allow("reader", "read:*:*:*")
                .allow("carol", "read:lab:lab:*").serversOf(registry);
        reconciler = new Reconciler(service, Fakes.config(8)) {
        };
        reconciler.deactivate(); // rounds are run by the tests, not by its timer
    }

    private static ApplyRequest apply(String version, String selector, Map<String, String> inputs) {
        return new ApplyRequest(version, selector, inputs, false, null, null, false);
    }

    private List<ApplyEvent> run(Prepared p) {
        List<ApplyEvent> events = Collections.synchronizedList(new ArrayList<>());
        service.execute(p, events::add);
        return events;
    }

    private static List<String> servers(List<ApplyEvent> events, String type) {
        return events.stream().filter(e -> e.type().equals(type)).map(ApplyEvent::server).sorted().toList();
    }

    private ServerModuleStatus status(String module, String server) {
        return service.status(ADMIN, module, server, null, false).stream().findFirst().orElse(null);
    }

    @Test
    void applyRunsOnEveryTargetRecordsRevisionStateRunsAndOneAuditRow() throws Exception {
        List<ApplyEvent> events = run(service.prepareApply(ADMIN, "web", apply(null, "env=lab,role=server", Map.of())));

        assertEquals(List.of("s1", "s2"), servers(events, ApplyEvent.TARGET));
        assertEquals(List.of("s1", "s2"), servers(events, ApplyEvent.RESULT));
        ApplyEvent summary = events.get(events.size() - 1);
        assertEquals(ApplyEvent.SUMMARY, summary.type());
        assertEquals("module.apply web@1.1.0 -l env=lab,role=server: 2 changed, 0 unchanged, 0 failed", summary.message());
        assertEquals(2, summary.done());
        assertEquals(2, summary.total());
        assertEquals("apply", agents.calls.get(0).params().get("action"));
        assertEquals("1.1.0", agents.calls.get(0).params().get("version"), "the newest version by default");
        assertEquals(Map.of("path", "/etc/app.conf", "port", 80L), agents.calls.get(0).params().get("inputs"),
                "inputs typed with their defaults");

        List<AssignmentRevision> history = service.history("web");
        assertEquals(1, history.size());
        assertEquals(AssignmentRevision.APPLY, history.get(0).action());
        assertEquals("admin", history.get(0).by());
        ServerModuleStatus s1 = status("web", "s1");
        assertEquals(ServerModuleStatus.CONVERGED, s1.state());
        assertEquals(1, s1.revision());
        ModuleRun run = service.run(ADMIN, s1.lastRunId());
        assertEquals("s1", run.server());
        assertEquals(ModuleRun.OK, run.status());
        assertEquals(ResourceResult.CHANGED, run.report().resources().get(0).status());

        List<RecordingAuditTrail.Row> rows = audit.of("module.apply");
        assertEquals(1, rows.size(), rows.toString());
        assertEquals(AuditEntry.OK, rows.get(0).result());
        assertEquals(summary.message(), rows.get(0).detail());
        assertEquals(1, service.list().stream().filter(m -> m.name().equals("web")).findFirst().orElseThrow().assignments());
    }

    @Test
    void applyingToTheSameSelectorMakesANewRevisionAndRollbackReappliesAnOldOne() throws Exception {
        run(service.prepareApply(ADMIN, "web", apply("1.0.0", "role=server,env=lab", Map.of("path", "/etc/one"))));
        run(service.prepareApply(ADMIN, "web", apply("1.1.0", "role=server,env=lab", Map.of("path", "/etc/two"))));
        assertEquals(1, service.store().assignments().size(), "one assignment (module, selector), two revisions");
        agents.calls.clear();

        List<ApplyEvent> events = run(service.prepareRollback(ADMIN, "web", 1, null));

        assertEquals(List.of("s1", "s2"), servers(events, ApplyEvent.RESULT));
        assertEquals("1.0.0", agents.calls.get(0).params().get("version"));
        assertEquals("/etc/one", ((Map<?, ?>) agents.calls.get(0).params().get("inputs")).get("path"));
        List<AssignmentRevision> history = service.history("web");
        assertEquals(List.of(1, 2, 3), history.stream().map(AssignmentRevision::revision).toList());
        AssignmentRevision third = history.get(2);
        assertEquals(AssignmentRevision.ROLLBACK, third.action());
        assertEquals("1.0.0", third.version());
        assertEquals(history.get(0).selector(), third.selector());
        assertEquals(3, status("web", "s1").revision());
        assertEquals("1.0.0", status("web", "s1").version());
        assertEquals(1, audit.of("module.rollback").size());

        ApiException missing = assertThrows(ApiException.class, () -> service.prepareRollback(ADMIN, "web", 9, null));
        assertEquals(404, missing.status());
    }

    @Test
    void deniedTargetsAreReportedAuditedAndNotRun() throws Exception {
        List<ApplyEvent> events = run(service.prepareApply(BOB, "web", apply(null, "role=server", Map.of())));

        assertEquals(List.of("s1", "s2"), servers(events, ApplyEvent.RESULT));
        assertEquals(List.of("p1"), servers(events, ApplyEvent.DENIED));
        ApplyEvent denied = events.stream().filter(e -> e.type().equals(ApplyEvent.DENIED)).findFirst().orElseThrow();
        assertTrue(denied.message().contains("may not apply on lab:prod:p1"), denied.message());
        assertTrue(agents.callsTo("p1").isEmpty(), "nothing runs where the caller may not apply");
        List<RecordingAuditTrail.Row> refusals = audit.rows.stream().filter(r -> r.result().equals(AuditEntry.DENIED)).toList();
        assertEquals(1, refusals.size(), audit.rows.toString());
        assertEquals("/v1/servers/p1", refusals.get(0).event().resource());
        assertEquals("bob", refusals.get(0).event().user());
        assertTrue(events.get(events.size() - 1).message().endsWith("1 denied"), events.get(events.size() - 1).message());

        ApiException none = assertThrows(ApiException.class,
                () -> service.prepareApply(BOB, "web", apply(null, "env=prod", Map.of())));
        assertEquals(403, none.status(), "every matched server refused: a refusal, nothing recorded");
        assertEquals(1, service.history("web").size());
    }

    @Test
    void aDryRunNeedsOnlyReadPlansAndRecordsNoRevision() throws Exception {
        List<ApplyEvent> events = run(service.prepareApply(READER, "web",
                new ApplyRequest(null, "role=server", Map.of(), true, null, null, false)));

        assertEquals(List.of("p1", "s1", "s2"), servers(events, ApplyEvent.RESULT));
        assertTrue(agents.calls.stream().allMatch(c -> "plan".equals(c.params().get("action"))));
        assertTrue(service.history("web").isEmpty());
        assertTrue(service.status(ADMIN, "web", null, null, false).isEmpty());
        ApiException refused = assertThrows(ApiException.class,
                () -> service.prepareApply(READER, "web", apply(null, "role=server", Map.of())));
        assertEquals(403, refused.status(), "a real apply needs apply");
    }

    @Test
    void secretInputsAreSealedInTheDatabaseMaskedInHistoryAndDeliveredOnlyToTheAgent() throws Exception {
        List<ApplyEvent> events = run(service.prepareApply(ADMIN, "web",
                apply(null, "name=s1", Map.of("token", SECRET, "path", "/etc/x"))));

        String stored = column("SELECT CAST(inputs AS TEXT) FROM module_revisions").get(0);
        assertFalse(stored.contains(SECRET), stored);
        assertTrue(stored.contains("sealed:"), stored);
        assertTrue(stored.contains("/etc/x"), "other inputs are kept as given");
        assertEquals(AssignmentRevision.MASK, service.history("web").get(0).inputs().get("token"));
        Map<?, ?> delivered = (Map<?, ?>) agents.callsTo("s1").get(0).params().get("inputs");
        assertEquals(SECRET, delivered.get("token"), "the agent gets it in clear over its connection");
        assertEquals(List.of("token"), agents.callsTo("s1").get(0).params().get("secrets"));
        assertFalse(Json.json().writeValueAsString(events).contains(SECRET));
        assertFalse(audit.rows.toString().contains(SECRET));
        for (String table : List.of("module_servers", "module_runs")) {
            assertFalse(column("SELECT CAST(t AS TEXT) FROM " + table + " t").toString().contains(SECRET), table);
        }

        // a rollback copies the sealed value, and the agent still gets it
        agents.calls.clear();
        run(service.prepareRollback(ADMIN, "web", 1, null));
        assertEquals(SECRET, ((Map<?, ?>) agents.callsTo("s1").get(0).params().get("inputs")).get("token"));
        assertFalse(column("SELECT CAST(inputs AS TEXT) FROM module_revisions").toString().contains(SECRET));
    }

    @Test
    void badInputNamesEveryBadFieldAndAppliesNothing() {
        ApiException bad = assertThrows(ApiException.class, () -> service.prepareApply(ADMIN, "web",
                apply(null, "role=server", Map.of("port", "eighty", "colour", "red"))));
        assertEquals(400, bad.status());
        assertTrue(bad.getMessage().contains("port") && bad.getMessage().contains("colour"), bad.getMessage());

        ApiException nothing = assertThrows(ApiException.class,
                () -> service.prepareApply(ADMIN, "web", apply(null, "role=dns", Map.of())));
        assertEquals(400, nothing.status());
        assertTrue(nothing.getMessage().contains("role=dns"), nothing.getMessage());

        ApiException module = assertThrows(ApiException.class,
                () -> service.prepareApply(ADMIN, "nginx", apply(null, "role=server", Map.of())));
        assertEquals(404, module.status());
        assertTrue(module.getMessage().contains("k3s-server, web"), module.getMessage());

        ApiException version = assertThrows(ApiException.class,
                () -> service.prepareApply(ADMIN, "web", apply("9.9.9", "role=server", Map.of())));
        assertEquals(404, version.status());
        assertTrue(version.getMessage().contains("1.0.0, 1.1.0"), version.getMessage());

        assertTrue(agents.calls.isEmpty());
        assertTrue(service.history("web").isEmpty());
    }

    @Test
    void serversOutsideTheModulesTargetsOrOfflineAreExcluded() throws Exception {
        registry.add("s3", "lab", "server", ServerInfo.OFFLINE);
        List<ApplyEvent> events = run(service.prepareApply(ADMIN, "k3s-server", apply(null, "env=lab", Map.of())));

        assertEquals(List.of("s1", "s2"), servers(events, ApplyEvent.RESULT));
        assertEquals(List.of("s3", "w1"), servers(events, ApplyEvent.EXCLUDED));
        assertEquals(ServerModuleStatus.PENDING, status("k3s-server", "s3").state(), "converged once it connects");
    }

    @Test
    void theFirstFailureStopsTheRestWhichAreReportedNotRun() throws Exception {
        registry.servers.clear();
        for (int i = 1; i <= 4; i++) {
            registry.add("n" + i, "lab", "server", ServerInfo.ONLINE);
        }
        agents.behaviour.put("n1", p -> Fakes.Agents.report(p, ResourceResult.FAILED));
        List<ApplyEvent> events = run(service.prepareApply(ADMIN, "web",
                new ApplyRequest(null, "role=server", Map.of(), false, "1", null, false)));

        assertEquals(List.of("n1"), servers(events, ApplyEvent.RESULT));
        assertEquals(List.of("n2", "n3", "n4"), servers(events, ApplyEvent.EXCLUDED));
        assertEquals(ServerModuleStatus.FAILED, status("web", "n1").state());
        assertEquals("file:/etc/app.conf: disk full", status("web", "n1").detail());
        assertEquals(ServerModuleStatus.PENDING, status("web", "n2").state());
        assertTrue(status("web", "n2").detail().startsWith("not run"), status("web", "n2").detail());
        assertEquals(AuditEntry.FAILED, audit.of("module.apply").get(0).result());
        reconciler.reconcile(Instant.now());
        assertTrue(agents.callsTo("n2").isEmpty(), "labd does not run what the operator's apply stopped");
    }

    @Test
    void removeRunsTheRemovalAndEndsTheAssignment() throws Exception {
        run(service.prepareApply(ADMIN, "web", apply("1.0.0", "role=server,env=lab", Map.of("path", "/srv/a"))));
        agents.calls.clear();

        List<ApplyEvent> events = run(service.prepareRemove(ADMIN, "web",
                new ApplyRequest(null, "role=server,env=lab", null, false, null, null, false)));

        assertEquals(List.of("s1", "s2"), servers(events, ApplyEvent.RESULT));
        assertEquals("remove", agents.calls.get(0).params().get("action"));
        assertEquals("1.0.0", agents.calls.get(0).params().get("version"), "the version the server has");
        assertEquals("/srv/a", ((Map<?, ?>) agents.calls.get(0).params().get("inputs")).get("path"));
        assertTrue(service.store().assignments().isEmpty());
        assertTrue(service.status(ADMIN, "web", null, null, false).isEmpty());
        assertEquals(AssignmentRevision.REMOVE, service.history("web").get(1).action());
        agents.calls.clear();
        reconciler.reconcile(Instant.now().plus(2, ChronoUnit.HOURS));
        assertTrue(agents.calls.isEmpty(), "nothing converges a removed module");
    }

    @Test
    void removingFromPartOfAnAssignmentKeepsLabdFromConvergingThoseServersAgain() throws Exception {
        run(service.prepareApply(ADMIN, "web", apply(null, "role=server,env=lab", Map.of())));
        run(service.prepareRemove(ADMIN, "web", new ApplyRequest(null, "name=s1", null, false, null, null, false)));
        agents.calls.clear();

        reconciler.reconcile(Instant.now());

        assertTrue(agents.callsTo("s1").isEmpty(), agents.calls.toString());
        assertNull(status("web", "s1"), "removed: not shown as managed");
        assertEquals(ServerModuleStatus.CONVERGED, status("web", "s2").state());
    }

    @Test
    void aServerThatNewlyMatchesConvergesByItselfAsLabd() throws Exception {
        run(service.prepareApply(ADMIN, "web", apply(null, "role=server,env=lab", Map.of("token", SECRET))));
        agents.calls.clear();
        registry.add("s9", "lab", "server", ServerInfo.ONLINE);
        assertEquals(ServerModuleStatus.PENDING, status("web", "s9").state());

        Reconciler.Round round = reconciler.reconcile(Instant.now());

        assertEquals(List.of("s9"), round.converged().stream().map(m -> m.server().name()).toList());
        assertEquals(1, agents.calls.size(), agents.calls.toString());
        assertEquals("apply", agents.callsTo("s9").get(0).params().get("action"));
        assertEquals(SECRET, ((Map<?, ?>) agents.callsTo("s9").get(0).params().get("inputs")).get("token"));
        assertEquals(ServerModuleStatus.CONVERGED, status("web", "s9").state());
        List<RecordingAuditTrail.Row> rows = audit.of("module.converge");
        assertEquals(1, rows.size());
        assertEquals("labd/labd", rows.get(0).event().user());
        assertEquals("labd/labd", service.run(ADMIN, status("web", "s9").lastRunId()).by());

        agents.calls.clear();
        reconciler.reconcile(Instant.now());
        assertTrue(agents.calls.isEmpty(), "converged and checked recently: nothing to do");
    }

    @Test
    void aServerConnectedToAnotherLabdIsLeftToItAndStaysPending() throws Exception {
        run(service.prepareApply(ADMIN, "web", apply(null, "role=server,env=lab", Map.of())));
        registry.add("s9", "lab", "server", ServerInfo.ONLINE);
        agents.errors.put("s9", new ApiException(503, "server-offline", "server s9 has no agent connected to this labd"));

        reconciler.reconcile(Instant.now());
        reconciler.reconcile(Instant.now());

        assertEquals(ServerModuleStatus.PENDING, status("web", "s9").state());
        assertTrue(status("web", "s9").detail().contains("another labd"), status("web", "s9").detail());
        assertTrue(audit.of("module.converge").isEmpty(), "a round that ran nothing writes no row");
        assertTrue(column("SELECT server FROM module_runs WHERE server = 's9'").isEmpty(), "no run was recorded");
    }

    @Test
    void aServerThatStopsMatchingIsNoLongerManagedAndNothingIsRemoved() throws Exception {
        run(service.prepareApply(ADMIN, "web", apply(null, "role=server,env=lab", Map.of())));
        agents.calls.clear();
        registry.add("s2", "lab", "worker", ServerInfo.ONLINE);

        Reconciler.Round round = reconciler.reconcile(Instant.now());

        assertEquals(1, round.forgotten());
        assertNull(status("web", "s2"));
        assertTrue(agents.callsTo("s2").isEmpty(), "no removal without modules remove");
    }

    @Test
    void aScheduledCheckFindsDriftAndEnforcementRepairsIt() throws Exception {
        run(service.prepareApply(ADMIN, "web", new ApplyRequest(null, "name=s1", Map.of(), false, null, null, true)));
        run(service.prepareApply(ADMIN, "web", apply(null, "name=s2", Map.of())));
        // the machines drifted: a plan would change the file again
        agents.behaviour.put("s1", p -> Fakes.Agents.report(p, ResourceResult.CHANGED));
        agents.behaviour.put("s2", p -> Fakes.Agents.report(p, ResourceResult.CHANGED));
        agents.calls.clear();

        Reconciler.Round early = reconciler.reconcile(Instant.now().plus(10, ChronoUnit.MINUTES));
        assertTrue(early.checked().isEmpty(), "checked at the apply, next check after 30 minutes");
        Reconciler.Round round = reconciler.reconcile(Instant.now().plus(31, ChronoUnit.MINUTES));

        assertEquals(List.of("s1", "s2"), round.checked().stream().map(m -> m.server().name()).sorted().toList());
        assertEquals(List.of("s1"), round.enforced().stream().map(m -> m.server().name()).toList());
        assertEquals(List.of("plan"), agents.callsTo("s2").stream().map(c -> c.params().get("action")).toList());
        assertEquals(List.of("plan", "apply"), agents.callsTo("s1").stream().map(c -> c.params().get("action")).toList());
        assertEquals(ServerModuleStatus.DRIFTED, status("web", "s2").state());
        assertTrue(status("web", "s2").detail().contains("file:/etc/app.conf"), status("web", "s2").detail());
        assertEquals(ServerModuleStatus.CONVERGED, status("web", "s1").state(), "enforced: repaired");
        assertEquals(1, audit.of("module.enforce").size());
        assertEquals(1, audit.of("module.check").size());
    }

    @Test
    void statusRefreshReplansNowAndShowsOnlyReadableServers() throws Exception {
        run(service.prepareApply(ADMIN, "web", apply(null, "role=server", Map.of())));
        agents.behaviour.put("s1", p -> Fakes.Agents.report(p, ResourceResult.CHANGED));

        List<ServerModuleStatus> forCarol = service.status(CAROL, "web", null, null, true);

        assertEquals(List.of("s1", "s2"), forCarol.stream().map(ServerModuleStatus::server).toList(), "p1 is prod");
        assertEquals(ServerModuleStatus.DRIFTED, forCarol.get(0).state());
        assertEquals(ServerModuleStatus.CONVERGED, forCarol.get(1).state());
        assertTrue(agents.callsTo("p1").stream().noneMatch(c -> "plan".equals(c.params().get("action"))),
                "refresh re-plans only what the caller may read");
        ApiException refused = assertThrows(ApiException.class,
                () -> service.run(CAROL, service.status(ADMIN, "web", "p1", null, false).get(0).lastRunId()));
        assertEquals(403, refused.status());
    }

    @Test
    void aSelectorNarrowsStatusAndARefreshReplansOnlyTheServersItMatches() throws Exception {
        run(service.prepareApply(ADMIN, "web", apply(null, "role=server", Map.of())));
        agents.behaviour.put("s2", p -> Fakes.Agents.report(p, ResourceResult.CHANGED));
        agents.calls.clear();

        List<ServerModuleStatus> one = service.status(ADMIN, "web", null, Selector.parse("name=s1"), true);

        assertEquals(List.of("s1"), one.stream().map(ServerModuleStatus::server).toList());
        assertEquals(List.of("s1"), agents.calls.stream().map(c -> c.server()).distinct().toList(),
                "a drift check of one server is one round trip to its agent, not one to every server of the module");
        assertEquals(ServerModuleStatus.CONVERGED, status("web", "s2").state(), "s2 was not re-planned");
        assertEquals(List.of("p1", "s2"), service.status(ADMIN, "web", null, Selector.parse("name!=s1"), false).stream()
                .map(ServerModuleStatus::server).toList());
        assertTrue(service.status(ADMIN, "web", null, Selector.parse("role=nothing"), false).isEmpty(),
                "a selector matching no server shows none, not all");
    }

    @Test
    void theRepositoryMayNotRemoveAnAssignedVersion() throws Exception {
        ModulesRepositoryUsage usage = new ModulesRepositoryUsage(db, TestDatabases.schema(db, "modules"));
        run(service.prepareApply(ADMIN, "web", apply("1.0.0", "name=s1", Map.of())));
        assertTrue(usage.usedBy("web", "1.0.0").orElseThrow().contains("assigned"));
        assertTrue(usage.usedBy("web", "1.1.0").isEmpty());
        run(service.prepareRemove(ADMIN, "web", new ApplyRequest(null, "name=s1", null, false, null, null, false)));
        assertTrue(usage.usedBy("web", "1.0.0").isEmpty(), "its assignment ended");
    }

    // ---------------------------------------------------------------- how runs end (access withdrawn, cut, killed)

    @Test
    void aRolloutStopsBeforeItsNextServerOnceTheCallersAccessIsWithdrawn() throws Exception {
        // bob's role is unbound while s1 runs: s1 finishes, s2 (the next batch) never starts
        agents.behaviour.put("s1", params -> {
            service.decisions = new FakeAccessControl().allow("admin", "*:*:*:*").serversOf(registry);
            return Fakes.Agents.changedOnApply(params);
        });
        List<ApplyEvent> events = run(service.prepareApply(BOB, "web",
                new ApplyRequest(null, "env=lab,role=server", Map.of(), false, "1", null, false)));

        assertEquals(List.of("s1"), servers(events, ApplyEvent.RESULT), "the run already on s1 finished");
        assertTrue(agents.callsTo("s2").isEmpty(), "nothing started after the withdrawal");
        ApplyEvent s2 = events.stream().filter(e -> e.type().equals(ApplyEvent.DENIED)).findFirst().orElseThrow();
        assertEquals("s2", s2.server());
        assertTrue(s2.message().startsWith("not run: access withdrawn during the rollout: user/bob may not apply on lab:lab:s2"),
                s2.message());
        String summary = events.get(events.size() - 1).message();
        assertTrue(summary.contains("1 changed") && summary.contains("1 not run") && summary.contains("stopped: access"
                + " withdrawn"), summary);
        assertEquals(ServerModuleStatus.PENDING, status("web", "s2").state());
        List<RecordingAuditTrail.Row> refusals = audit.rows.stream().filter(r -> r.result().equals(AuditEntry.DENIED)).toList();
        assertEquals(1, refusals.size(), audit.rows.toString());
        assertEquals("/v1/servers/s2", refusals.get(0).event().resource());
        List<RecordingAuditTrail.Row> runRow = audit.of("module.apply").stream()
                .filter(r -> r.event().resource().equals("/v1/modules/web")).toList();
        assertEquals(1, runRow.size(), audit.rows.toString());
        assertEquals(AuditEntry.FAILED, runRow.get(0).result());
        assertTrue(runRow.get(0).detail().contains("stopped: access withdrawn"), runRow.get(0).detail());
    }

    @Test
    void runsAreRecordedAsRunningWhileTheAgentRunsThem() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        agents.behaviour.put("s1", params -> {
            try {
                seen.addAll(column("SELECT status FROM module_runs"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Fakes.Agents.changedOnApply(params);
        });
        run(service.prepareApply(ADMIN, "web", apply(null, "name=s1", Map.of())));
        assertEquals(List.of(ModuleRun.RUNNING), seen);
        assertEquals(List.of(ModuleRun.OK), column("SELECT status FROM module_runs"));
    }

    @Test
    void aRunWhoseAgentDisconnectsEndsFailedWithTheReasonAndADeletedServerIsNamed() throws Exception {
        agents.errors.put("s1", ApiException.unavailable("agent-disconnected", "the connection to s1 ended before module"
                + " finished (1006 )"));
        agents.behaviour.put("s2", params -> {
            registry.servers.remove("s2"); // labctl delete server: the registry forgets it, the gateway cuts it
            throw ApiException.unavailable("agent-disconnected", "the connection to s2 ended before module finished");
        });
        // both servers run whichever fails first: up to two failures are allowed
        run(service.prepareApply(ADMIN, "web", new ApplyRequest(null, "env=lab,role=server", Map.of(), false, null, 2,
                false)));

        assertEquals(List.of(ModuleRun.FAILED, ModuleRun.FAILED), column("SELECT status FROM module_runs"));
        assertTrue(column("SELECT ended FROM module_runs WHERE ended IS NULL").isEmpty(), "every run ended");
        String s1 = column("SELECT detail FROM module_servers WHERE server = 's1'").get(0);
        assertTrue(s1.startsWith("agent disconnected during the run: the connection to s1 ended"), s1);
        assertEquals(List.of(ServerModuleStatus.FAILED), column("SELECT state FROM module_servers WHERE server = 's1'"));
        String s2 = column("SELECT detail FROM module_servers WHERE server = 's2'").get(0);
        assertTrue(s2.startsWith("the server was deleted during the run"), s2);
    }

    @Test
    void runsLeftRunningByAKilledLabdAreInterruptedAtItsNextStartAndReplannedAtTheNextCheck() throws Exception {
        Prepared p = service.prepareApply(ADMIN, "web", new ApplyRequest(null, "env=lab,role=server", Map.of(), false,
                "1", null, false));
        // what runOne writes before it asks the agent: then labd was killed (s2 waits for its batch)
        RunRow left = new RunRow();
        left.id = java.util.UUID.randomUUID().toString();
        left.server = "s1";
        left.module = "web";
        left.version = "1.1.0";
        left.revision = p.revision();
        left.action = "apply";
        left.createdBy = "admin";
        left.started = Instant.now();
        left.status = ModuleRun.RUNNING;
        left.labd = RunEndings.thisInstallation();
        service.store().startRun(left);
        RunRow elsewhere = new RunRow();
        elsewhere.id = java.util.UUID.randomUUID().toString();
        elsewhere.server = "p1";
        elsewhere.module = "web";
        elsewhere.version = "1.1.0";
        elsewhere.revision = p.revision();
        elsewhere.action = "apply";
        elsewhere.createdBy = "admin";
        elsewhere.started = Instant.now();
        elsewhere.status = ModuleRun.RUNNING;
        elsewhere.labd = "other-host:/opt/labd";
        service.store().startRun(elsewhere);

        ModuleService restarted = new ModuleService(db, TestDatabases.schema(db, "modules"), repository, registry,
                agents, new Fakes.XorSealer(), audit, Fakes.config(8));
        restarted.decisions = service.decisions;

        assertEquals(List.of(RunEndings.INTERRUPTED), column("SELECT status FROM module_runs WHERE server = 's1'"));
        assertEquals(List.of(ModuleRun.RUNNING), column("SELECT status FROM module_runs WHERE server = 'p1'"),
                "another labd instance's run is its own");
        ServerModuleStatus s1 = restarted.status(ADMIN, "web", "s1", null, false).get(0);
        assertEquals(ServerModuleStatus.FAILED, s1.state());
        assertTrue(s1.detail().startsWith("interrupted: labd stopped during run " + left.id), s1.detail());
        assertEquals(left.id, s1.lastRunId());
        ServerModuleStatus s2 = restarted.status(ADMIN, "web", "s2", null, false).get(0);
        assertEquals(ServerModuleStatus.PENDING, s2.state());
        assertTrue(s2.detail().startsWith("not run: labd stopped during this rollout"), s2.detail());
        assertEquals(1, audit.of("module.interrupted").size());

        Reconciler.Round round = new Reconciler(restarted, Fakes.config(8)).reconcile(Instant.now());
        assertEquals(List.of("s1"), round.checked().stream().map(m -> m.server().name()).toList(),
                "the interrupted server is re-planned at the next round");
        assertEquals(ServerModuleStatus.CONVERGED, restarted.status(ADMIN, "web", "s1", null, false).get(0).state());
    }

    @Test
    void aRunStillUnderWayWhenTheComponentRestartsIsNotTakenForLeftOver() throws Exception {
        List<ModuleService> restarted = new ArrayList<>();
        agents.behaviour.put("s1", params -> {
            // a configuration change restarts the component while this run is on the agent
            restarted.add(new ModuleService(db, TestDatabases.schema(db, "modules"), repository, registry, agents,
                    new Fakes.XorSealer(), audit, Fakes.config(8)));
            return Fakes.Agents.changedOnApply(params);
        });
        run(service.prepareApply(ADMIN, "web", apply(null, "name=s1", Map.of())));
        assertEquals(1, restarted.size());
        assertEquals(List.of(ModuleRun.OK), column("SELECT status FROM module_runs"));
        assertEquals(ServerModuleStatus.CONVERGED, status("web", "s1").state());
        assertTrue(audit.of("module.interrupted").isEmpty());
    }
}
