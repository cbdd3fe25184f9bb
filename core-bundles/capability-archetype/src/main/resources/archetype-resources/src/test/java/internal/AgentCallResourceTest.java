package ${package}.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.labctl.api.AgentChannels;
import io.labctl.api.AgentStream;
import io.labctl.api.ApiException;
import io.labctl.api.web.SocketConnection;
import io.labctl.api.web.SocketListener;
import io.labctl.api.web.StreamSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class AgentCallResourceTest {

    /** Answers every call with one prepared outcome and remembers what was asked. */
    static final class OneAnswer implements AgentChannels {
        final CompletableFuture<Reply> answer;
        String server;
        String kind;

        OneAnswer(CompletableFuture<Reply> answer) {
            this.answer = answer;
        }

        @Override
        public CompletableFuture<Reply> call(String server, String kind, Map<String, Object> params, int maxOutputBytes,
                                             Duration timeout) {
            this.server = server;
            this.kind = kind;
            return answer;
        }

        @Override
        public AgentStream open(String server, String kind, Map<String, Object> params, int credit, AgentStream.Listener l) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SocketListener bridge(StreamSession session, SocketConnection client, String kind,
                                     Function<Map<String, Object>, Checked> check) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void returnsWhatTheAgentSentOnTheCapabilitysStreamKind() {
        OneAnswer agent = new OneAnswer(CompletableFuture.completedFuture(
                new AgentChannels.Reply("hello from box".getBytes(StandardCharsets.UTF_8), 0)));
        AgentCallResource.AgentReply reply = new AgentCallResource(agent).call("box");
        assertEquals("box", agent.server);
        assertEquals("${capability}", agent.kind);
        assertEquals(new AgentCallResource.AgentReply("box", "hello from box", 0), reply);
    }

    @Test
    void anAgentWithoutTheCapabilityIsAnAnswerNotACrash() {
        OneAnswer agent = new OneAnswer(CompletableFuture.failedFuture(
                new ApiException(501, "capability-not-installed", "box has no handler for ${capability}")));
        ApiException e = assertThrows(ApiException.class, () -> new AgentCallResource(agent).call("box"));
        assertEquals(501, e.status());
        assertEquals("capability-not-installed", e.code());
    }

    @Test
    void itemNamesAndValuesAreCheckedBeforeAnySql() {
        ItemStore.check("disk-1", "ok");
        assertEquals("invalid-name", assertThrows(ApiException.class, () -> ItemStore.check("Bad Name", "x")).code());
        assertEquals("invalid-value", assertThrows(ApiException.class, () -> ItemStore.check("a", "")).code());
        assertEquals("invalid-value", assertThrows(ApiException.class,
                () -> ItemStore.check("a", "x".repeat(ItemStore.MAX_VALUE + 1))).code());
    }
}
