package io.labctl.protocol.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FrameTest {
    @Test
    void roundTrip() throws Exception {
        Frame f = Frame.json(FrameType.HEARTBEAT, 0, new Heartbeat(7, 1000, null));
        Frame back = Frame.decode(f.encode());
        assertEquals(FrameType.HEARTBEAT, back.type());
        assertArrayEquals(f.payload(), back.payload());
        assertEquals(7, back.body(Heartbeat.class).sequence());
    }

    @Test
    void garbageIsRejectedWithAReason() {
        assertTrue(assertThrows(ProtocolException.class, () -> Frame.decode(ByteBuffer.wrap(new byte[] {1, 2})))
                .getMessage().contains("shorter"));
        assertTrue(assertThrows(ProtocolException.class, () -> Frame.decode(ByteBuffer.wrap(new byte[] {99, 0, 0, 0, 0})))
                .getMessage().contains("unknown frame type"));
        ByteBuffer bigData = ByteBuffer.allocate(Frame.MAX_FRAME + 1).put(0, (byte) FrameType.DATA.code());
        assertTrue(assertThrows(ProtocolException.class, () -> Frame.decode(bigData)).getMessage().contains("exceeds"));
        ByteBuffer tooBigOpen = ByteBuffer.allocate(Frame.MAX_OPEN_FRAME + 1).put(0, (byte) FrameType.OPEN.code());
        assertTrue(assertThrows(ProtocolException.class, () -> Frame.decode(tooBigOpen)).getMessage().contains("exceeds"));
        Frame notJson = new Frame(FrameType.HELLO, 0, "{{{".getBytes());
        assertThrows(ProtocolException.class, () -> notJson.body(Heartbeat.class));
    }

    @Test
    void onlyOpenMayBeLargerThanADataFrame() throws ProtocolException {
        byte[] big = new byte[Frame.MAX_PAYLOAD + 1];
        assertEquals(big.length, Frame.decode(new Frame(FrameType.OPEN, 1, big).encode()).payload().length);
        assertThrows(IllegalArgumentException.class, () -> new Frame(FrameType.DATA, 1, big));
        assertThrows(IllegalArgumentException.class, () -> new Frame(FrameType.OPEN, 1, new byte[Frame.MAX_OPEN_PAYLOAD + 1]));
    }
}
