package ${package}.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.labctl.agent.testsupport.RecordingStreamChannel;
import io.labctl.protocol.channel.StreamOpen;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CapabilityHandlerTest {
    @Test
    void answersWithTheHostThenClosesWithExitCodeZero() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel("${capability}");
        new CapabilityHandler("box-1").open(new StreamOpen("${capability}", Map.of(), 4096), channel);
        assertEquals("${capability} answered from box-1", new String(channel.output(), StandardCharsets.UTF_8));
        assertEquals(0, channel.exitCode());
        assertNull(channel.errorCode(), channel.errorMessage());
        assertFalse(channel.isOpen());
    }
}
