package io.labctl.agent.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.ProtocolException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameAssemblerTest {
    @Test
    void joinsPartsIntoOneFrame() throws Exception {
        byte[] payload = new byte[Frame.MAX_PAYLOAD];
        Arrays.fill(payload, (byte) 7);
        ByteBuffer whole = new Frame(FrameType.DATA, 3, payload).encode();
        FrameAssembler assembler = new FrameAssembler(Frame.MAX_FRAME);
        ByteBuffer result = null;
        int step = 10_000;
        for (int at = 0; at < whole.limit(); at += step) {
            ByteBuffer part = whole.duplicate().position(at).limit(Math.min(whole.limit(), at + step));
            boolean last = at + step >= whole.limit();
            result = assembler.append(part, last);
            if (!last) {
                assertNull(result);
            }
        }
        Frame frame = Frame.decode(result);
        assertEquals(3, frame.stream());
        assertArrayEquals(payload, frame.payload());
    }

    @Test
    void refusesAMessageOverTheLimitWhileItIsStillArriving() throws Exception {
        FrameAssembler assembler = new FrameAssembler(Frame.MAX_FRAME);
        assertNull(assembler.append(ByteBuffer.allocate(Frame.MAX_FRAME - 1), false));
        assertThrows(ProtocolException.class, () -> assembler.append(ByteBuffer.allocate(2), false));
        assertThrows(ProtocolException.class,
                () -> new FrameAssembler(Frame.MAX_FRAME).append(ByteBuffer.allocate(Frame.MAX_FRAME + 1), true));
        // exactly the limit is fine, and the assembler starts over after a refusal
        assertEquals(Frame.MAX_FRAME, assembler.append(ByteBuffer.allocate(Frame.MAX_FRAME), true).remaining());
    }
}
