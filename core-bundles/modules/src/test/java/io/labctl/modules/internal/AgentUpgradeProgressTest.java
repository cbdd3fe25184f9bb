package io.labctl.modules.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.AgentChannels;
import io.labctl.api.AgentStream;
import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.audit.AuditWriter;
import io.labctl.api.web.ProgressStream;
import io.labctl.protocol.AgentUpgrade;
import io.labctl.protocol.Json;
import io.labctl.protocol.Progress;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.modules.RepoEntry;
import io.labctl.shell.InMemoryServerRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** The events of {@code agents upgrade} as the resource streams them, and what a client that goes away leaves. */
class AgentUpgradeProgressTest {
    static final Identity ADMIN = new Identity(Identity.Kind.USER, "admin");

    final InMemoryServerRegistry registry = new InMemoryServerRegistry();
    final Fakes.Repository repository = new Fakes.Repository();
    final List<String> audited = new CopyOnWriteArrayList<>();
    final List<Progress> events = new CopyOnWriteArrayList<>();
    /** Servers whose agent rolls the new version back. */
    final List<String> rollingBack = new CopyOnWriteArrayList<>();
    volatile boolean gone;

    final AgentChannels agents = new AgentChannels() {
        @Override
        public CompletableFuture<Reply> call(String server, String kind, Map<String, Object> params, int max,
                                             Duration timeout) {
            String result = rollingBack.contains(server) ? AgentUpgrade.ROLLED_BACK : AgentUpgrade.UPGRADED;
            try {
                return CompletableFuture.completedFuture(new Reply(Json.json().writeValueAsBytes(new AgentUpgrade.Report(
                        "io.labctl.agent.logs", "0.1.0", "0.2.0", result, result.equals(AgentUpgrade.UPGRADED) ? "ok"
                        : "not healthy: no handler for logs", 7)), 0));
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public AgentStream open(String server, String kind, Map<String, Object> params, int credit,
                                AgentStream.Listener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public io.labctl.api.web.SocketListener bridge(io.labctl.api.web.StreamSession session,
                                                       io.labctl.api.web.SocketConnection client, String kind,
                                                       java.util.function.Function<Map<String, Object>, Checked> check) {
            throw new UnsupportedOperationException();
        }
    };

    final AuditWriter audit = new AuditWriter() {
        @Override
        public <T> T change(Event event, Callable<T> work) throws Exception {
            return work.call();
        }

        @Override
        public void record(Event event, String result, Long durationMs, String error) {
            throw new AssertionError("agent upgrades are audited with their detail");
        }

        @Override
        public void record(Event event, String result, Long durationMs, String error, String detail) {
            audited.add(event.resource() + " " + result + " " + detail.substring(detail.lastIndexOf(": ") + 2));
        }
    };

    final ProgressStream.Sink sink = new ProgressStream.Sink() {
        @Override
        public void accept(Progress event) {
            events.add(event);
        }

        @Override
        public boolean clientGone() {
            return gone;
        }
    };

    AgentUpgradeProgressTest() {
        for (String name : List.of("a", "b", "c", "d")) {
            registry.servers.put(name, AgentUpgradesTest.server(name, AgentUpgradesTest.CAPS));
        }
        repository.entries.add(new RepoEntry("lab-agent-logs", "0.2.0", "artifact", "cd".repeat(32), 10, "admin",
                Instant.now(), null));
    }

    AgentUpgrade.Result upgrade(String batch, int maxFailures) {
        return new AgentUpgrades(registry, repository, agents, audit).upgrade(ADMIN, new AgentUpgrade.Request("logs",
                "0.2.0", "name", batch, maxFailures, null), sink);
    }

    private List<String> shape() {
        return events.stream().map(e -> e.type() + (e.server() == null ? "" : " " + e.server())
                + (Progress.RESULT.equals(e.type()) ? " " + e.result().get("result").asText() : "")
                + (Progress.BATCH.equals(e.type()) ? " " + e.done() + "/" + e.total() : "")).toList();
    }

    @Test
    void everyAgentStartsAndEndsWithinItsBatch() {
        AgentUpgrade.Result r = upgrade("2", 0);
        assertEquals(4, r.upgraded());
        assertEquals(List.of("step", "batch 1/2", "start a", "result a upgraded", "start b", "result b upgraded",
                "batch 2/2", "start c", "result c upgraded", "start d", "result d upgraded"),
                normalised());
        assertTrue(events.get(0).message().contains("lab-agent-logs (io.labctl.agent.logs) to 0.2.0 on 4 server(s)"),
                events.get(0).message());
        Progress last = events.get(events.size() - 1);
        assertEquals(4, last.done());
        assertEquals(4, last.total());
        assertEquals(4, audited.size());
    }

    /** Within a batch agents run at once: order each batch's events by server so the check does not race. */
    private List<String> normalised() {
        List<String> s = shape();
        List<String> out = new java.util.ArrayList<>(s.subList(0, 2));
        out.addAll(sortedByServer(s.subList(2, 6)));
        out.add(s.get(6));
        out.addAll(sortedByServer(s.subList(7, 11)));
        return out;
    }

    private static List<String> sortedByServer(List<String> part) {
        return part.stream().sorted(java.util.Comparator.comparing((String e) -> e.split(" ")[1])
                .thenComparing(e -> e.startsWith("result"))).toList();
    }

    @Test
    void pastTheFailureLimitTheRestAreNotRunEachOneAnEventAndAnAuditRow() {
        rollingBack.add("a");
        AgentUpgrade.Result r = upgrade("1", 0);
        assertEquals(1, r.failed());
        assertEquals(3, r.notRun());
        assertEquals(List.of("step", "batch 1/4", "start a", "result a rolled-back", "batch 2/4", "result b not-run",
                "batch 3/4", "result c not-run", "batch 4/4", "result d not-run"), shape());
        assertEquals(List.of("/v1/servers/a failed rolled-back", "/v1/servers/b failed not-run",
                "/v1/servers/c failed not-run", "/v1/servers/d failed not-run"), audited);
    }

    @Test
    void aClientThatGoesAwayLetsTheRunningBatchEndAndStartsNoOther() {
        rollingBack.clear();
        AgentUpgrades upgrades = new AgentUpgrades(registry, repository, agents, audit);
        ProgressStream.Sink leaving = new ProgressStream.Sink() {
            @Override
            public void accept(Progress event) {
                events.add(event);
                if (Progress.RESULT.equals(event.type()) && "b".equals(event.server())) {
                    gone = true;  // the client hung up while batch 1 ran
                }
            }

            @Override
            public boolean clientGone() {
                return gone;
            }
        };
        AgentUpgrade.Result r = upgrades.upgrade(ADMIN, new AgentUpgrade.Request("logs", "0.2.0", "name",
                "2", 0, null), leaving);
        assertEquals(2, r.upgraded());
        assertEquals(2, r.notRun());
        assertTrue(r.servers().get(3).message().contains("the client went away; labd finished batch 1 of 2"),
                r.servers().get(3).message());
        assertEquals(4, audited.size(), "every agent's outcome is audited: " + audited);
        assertTrue(audited.containsAll(List.of("/v1/servers/c failed not-run", "/v1/servers/d failed not-run")));
    }

    @Test
    void refusalsComeBeforeAnyEvent() {
        AgentUpgrades upgrades = new AgentUpgrades(registry, repository, agents, audit);
        ApiException e = assertThrows(ApiException.class, () -> upgrades.upgrade(ADMIN, new AgentUpgrade.Request("logs",
                "0.3.0", "name=a", null, 0, null), sink));
        assertEquals("version-not-in-repository", e.code());
        assertThrows(ApiException.class, () -> upgrades.upgrade(ADMIN, new AgentUpgrade.Request("logs", "0.2.0",
                "name=a", "0%", 0, null), sink));
        assertEquals(List.of(), events);
        assertEquals(List.of(), audited);
        assertEquals(ServerInfo.ONLINE, registry.servers.get("a").status());
    }
}
