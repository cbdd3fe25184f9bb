package io.labctl.agent.ping.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.agent.api.StreamChannel;
import io.labctl.protocol.Json;
import io.labctl.protocol.PingResult;
import io.labctl.protocol.channel.StreamOpen;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PingHandlerTest {
    /** Test double of the agent core's stream: records what the handler sends. */
    static final class RecordingChannel implements StreamChannel {
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        Integer exitCode;
        boolean open = true;

        @Override public int id() { return 7; }
        @Override public String kind() { return "ping"; }
        @Override public void write(byte[] b, int off, int len) { sent.write(b, off, len); }
        @Override public void close(Integer code) { exitCode = code; open = false; }
        @Override public void fail(String code, String message) { throw new AssertionError("ping failed: " + message); }
        @Override public boolean isOpen() { return open; }
    }

    @Test
    void answersWithVersionAndUptimeThenCloses() throws Exception {
        RecordingChannel channel = new RecordingChannel();
        new PingHandler("1.2.3").open(new StreamOpen("ping", Map.of(), 4096), channel);
        PingResult reply = Json.json().readValue(channel.sent.toByteArray(), PingResult.class);
        assertEquals("1.2.3", reply.agentVersion());
        assertTrue(reply.agentUptimeMillis() > 0);
        assertEquals(0, channel.exitCode);
        assertFalse(channel.isOpen());
    }
}
