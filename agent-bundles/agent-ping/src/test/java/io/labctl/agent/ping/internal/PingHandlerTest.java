package io.labctl.agent.ping.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.agent.testsupport.RecordingStreamChannel;
import io.labctl.protocol.Json;
import io.labctl.protocol.PingResult;
import io.labctl.protocol.channel.StreamOpen;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PingHandlerTest {
    @Test
    void answersWithVersionAndUptimeThenCloses() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel("ping");
        new PingHandler("1.2.3").open(new StreamOpen("ping", Map.of(), 4096), channel);
        PingResult reply = Json.json().readValue(channel.output(), PingResult.class);
        assertEquals("1.2.3", reply.agentVersion());
        assertTrue(reply.agentUptimeMillis() > 0);
        assertEquals(0, channel.exitCode());
        assertNull(channel.errorCode(), channel.errorMessage());
        assertFalse(channel.isOpen());
    }
}
