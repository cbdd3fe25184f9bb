package io.labctl.agent.logs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ByteTailTest {
    @Test
    void keepsEverythingWithinCapacity() {
        ByteTail tail = new ByteTail(16);
        add(tail, "  error: x\n");
        assertEquals("error: x", tail.text());
    }

    @Test
    void keepsOnlyTheLastBytesAndSaysSo() {
        ByteTail tail = new ByteTail(8);
        add(tail, "0123456789");
        add(tail, "abcdef");
        assertEquals("...89abcdef", tail.text());
    }

    private static void add(ByteTail tail, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        tail.add(b, 0, b.length);
    }
}
