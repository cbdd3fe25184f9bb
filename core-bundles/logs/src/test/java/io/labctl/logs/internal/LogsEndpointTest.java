package io.labctl.logs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.AgentChannels;
import io.labctl.api.AgentStream;
import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.web.Caller;
import io.labctl.api.web.SocketConnection;
import io.labctl.api.web.SocketListener;
import io.labctl.api.web.StreamSession;
import io.labctl.protocol.logs.LogsRequest;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LogsEndpointTest {
    /** Test double of the gateway: keeps the parameter check the endpoint hands to the bridge. */
    static final class CapturingChannels implements AgentChannels {
        Function<Map<String, Object>, Checked> check;
        String kind;

        @Override
        public CompletableFuture<Reply> call(String s, String k, Map<String, Object> p, int m, Duration t) {
            throw new UnsupportedOperationException();
        }

        @Override
        public AgentStream open(String s, String k, Map<String, Object> p, int c, AgentStream.Listener l) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SocketListener bridge(StreamSession session, SocketConnection client, String kind,
                                     Function<Map<String, Object>, Checked> check) {
            this.kind = kind;
            this.check = check;
            return null;
        }
    }

    /** The log paths the test double of access control gives alice; a test may change them. */
    volatile List<String> alicesGlobs = List.of();

    /** Test double of access control: only the log paths of the caller's roles are asked for. */
    AccessDecisions access(String... globs) {
        alicesGlobs = List.of(globs);
        return (AccessDecisions) Proxy.newProxyInstance(AccessDecisions.class.getClassLoader(),
                new Class<?>[] {AccessDecisions.class}, (p, m, a) -> {
                    if (m.getName().equals("logPathsOf")) {
                        return alicesGlobs;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    /** What the endpoint asked the web bundle to keep re-checking. */
    final List<java.util.function.Supplier<String>> conditions = new java.util.ArrayList<>();

    /** Test double of an admitted session of user alice on web-1. */
    StreamSession session() {
        Caller alice = (Caller) Proxy.newProxyInstance(Caller.class.getClassLoader(), new Class<?>[] {Caller.class},
                (p, m, a) -> m.getName().equals("identity") ? new Identity(Identity.Kind.USER, "alice") : null);
        return new StreamSession() {
            @Override public Caller caller() { return alice; }
            @Override public String server() { return "web-1"; }
            @Override public void describe(String what) { }
            @Override public void open(String what, String detail) { }
            @Override public void outcome(String result, String detail) { }
            @Override public void whileAllowed(java.util.function.Supplier<String> condition) { conditions.add(condition); }
        };
    }

    @Test
    void theAllowListIsWhatTheCallersRolesGiveNeverTheClients() {
        CapturingChannels channels = new CapturingChannels();
        new LogsEndpoint(channels, access("/var/log/**", "/srv/app/*.log")).open(session(), (SocketConnection) null);
        assertEquals("logs", channels.kind);
        LogsRequest sent = new LogsRequest(LogsRequest.FILE, true, 10, null, null, null, false, "/etc/shadow",
                List.of("/**"), LogsRequest.DEFLATE);
        AgentChannels.Checked checked = channels.check.apply(sent.toParams());
        assertEquals(List.of("/var/log/**", "/srv/app/*.log"), checked.params().get("allow"));
        assertEquals("file /etc/shadow -n 10 -f", checked.description());
        assertEquals(LogsRequest.DEFLATE, checked.params().get("compression"), "the request for compression passes on");
    }

    @Test
    void aFollowedFileStaysAllowedOnlyWhileItsRolesKeepEveryGlobThatAdmittedIt() {
        CapturingChannels channels = new CapturingChannels();
        new LogsEndpoint(channels, access("/var/log/**", "/srv/app/*.log")).open(session(), (SocketConnection) null);
        channels.check.apply(new LogsRequest(LogsRequest.FILE, true, null, null, null, null, false,
                "/srv/app/web.log", null, null).toParams());
        assertEquals(1, conditions.size(), "a file read is re-checked");
        assertNull(conditions.get(0).get());
        alicesGlobs = List.of("/srv/app/*.log", "/var/log/**", "/opt/**");
        assertNull(conditions.get(0).get(), "more paths, in another order, still hold");
        alicesGlobs = List.of("/var/log/**");
        String why = conditions.get(0).get();
        assertTrue(why != null && why.contains("/srv/app/*.log"), why);
    }

    @Test
    void aJournalReadDependsOnNoLogPaths() {
        CapturingChannels channels = new CapturingChannels();
        new LogsEndpoint(channels, access("/var/log/**")).open(session(), (SocketConnection) null);
        channels.check.apply(new LogsRequest(LogsRequest.JOURNAL, true, null, "nginx", null, null, false, null, null,
                null).toParams());
        assertEquals(List.of(), conditions);
    }

    @Test
    void badParametersAreRefusedBeforeTheAgentSeesThem() {
        CapturingChannels channels = new CapturingChannels();
        new LogsEndpoint(channels, access("/var/log/**")).open(session(), (SocketConnection) null);
        assertThrows(IllegalArgumentException.class, () -> channels.check.apply(Map.of("source", "shell")));
        assertThrows(IllegalArgumentException.class, () -> channels.check.apply(Map.of("source", "journal",
                "unit", "nginx; rm -rf /")));
        AgentChannels.Checked journal = channels.check.apply(new LogsRequest(LogsRequest.JOURNAL, false, null, "nginx",
                Instant.parse("2026-11-26T03:00:00Z"), "err", false, null, null, null).toParams());
        assertEquals("journal -u nginx -p err --since 2026-11-26T03:00:00Z", journal.description());
    }
}
