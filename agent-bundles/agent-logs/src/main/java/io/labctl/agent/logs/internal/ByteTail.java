package io.labctl.agent.logs.internal;

import java.nio.charset.StandardCharsets;

/** Keeps the last bytes written to it, up to a fixed capacity: a bounded record of a program's error output. */
final class ByteTail {
    private final byte[] ring;
    private long total;

    ByteTail(int capacity) {
        ring = new byte[capacity];
    }

    void add(byte[] bytes, int offset, int length) {
        for (int i = 0; i < length; i++) {
            ring[(int) (total++ % ring.length)] = bytes[offset + i];
        }
    }

    /** The kept bytes as text, stripped; starts with "..." when earlier bytes were dropped. */
    String text() {
        int kept = (int) Math.min(total, ring.length);
        byte[] out = new byte[kept];
        int start = (int) ((total - kept) % ring.length);
        for (int i = 0; i < kept; i++) {
            out[i] = ring[(start + i) % ring.length];
        }
        String text = new String(out, StandardCharsets.UTF_8).strip();
        return total > ring.length ? "..." + text : text;
    }
}
