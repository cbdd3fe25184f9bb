package io.labctl.agent.exec.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes labd's input to the process on a thread of its own. The stream's receiver calls must not block on a
 * process that does not read its input (an abort queued behind them would never arrive), yet input must not pile
 * up in memory: {@link #offer} holds at most {@link #LIMIT} bytes and then waits, and the agent grants labd more
 * input credit only as offer returns.
 */
final class StdinFeeder {
    static final int LIMIT = 64 * 1024;
    /** The terminal's end-of-file character (VEOF, ^D). */
    private static final byte EOF = 4;
    private static final Logger LOG = LoggerFactory.getLogger(ExecHandler.class);

    private final OutputStream stdin;
    private final boolean tty;
    private final BooleanSupplier streamOpen;
    private final String threadName;
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private int queued;
    private boolean endOfInput;
    private boolean stopped;
    private Thread writer;
    // only touched by the writer thread
    private int lastByte = '\n';

    StdinFeeder(OutputStream stdin, boolean tty, BooleanSupplier streamOpen, String threadName) {
        this.stdin = stdin;
        this.tty = tty;
        this.streamOpen = streamOpen;
        this.threadName = threadName;
    }

    /** Queues input, waiting while {@link #LIMIT} bytes are already queued; drops it once input cannot go anywhere. */
    synchronized void offer(ByteBuffer data) {
        if (!data.hasRemaining()) {
            return;
        }
        // wake up now and then: an aborted stream notifies nobody here, and must not leave this call stuck
        while (queued >= LIMIT && !stopped && streamOpen.getAsBoolean()) {
            try {
                wait(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (stopped || endOfInput || !streamOpen.getAsBoolean()) {
            return;
        }
        queue.add(data);
        queued += data.remaining();
        startWriter();
        notifyAll();
    }

    /** No more input: once the queue is written, close the process's stdin (a terminal gets its EOF character). */
    synchronized void endOfInput() {
        if (endOfInput || stopped) {
            return;
        }
        endOfInput = true;
        startWriter();
        notifyAll();
    }

    /** Drops queued input and stops; the process is gone or going. */
    synchronized void stop() {
        stopped = true;
        queue.clear();
        queued = 0;
        notifyAll();
    }

    private void startWriter() {
        if (writer == null) {
            writer = new Thread(this::run, threadName);
            writer.setDaemon(true);
            writer.start();
        }
    }

    private void run() {
        try {
            while (true) {
                ByteBuffer next;
                synchronized (this) {
                    while (queue.isEmpty() && !endOfInput && !stopped) {
                        wait();
                    }
                    if (stopped) {
                        return;
                    }
                    next = queue.peek();
                    if (next == null) {
                        break; // end of input, all written
                    }
                }
                int length = next.remaining();
                write(next);
                synchronized (this) {
                    if (!queue.isEmpty() && queue.peek() == next) {
                        queue.poll();
                        queued -= length;
                    }
                    notifyAll();
                }
            }
            if (tty) {
                // a terminal has no half-close: what a user types for end of input is ^D at the start of a line
                stdin.write(lastByte == '\n' || lastByte == '\r' ? new byte[] {EOF} : new byte[] {EOF, EOF});
                stdin.flush();
            }
        } catch (IOException | RuntimeException e) {
            // the process closed its stdin or exited: further input has nowhere to go
            LOG.debug("{}: input ends: {}", threadName, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (this) {
                stopped = true;
                queue.clear();
                queued = 0;
                notifyAll();
            }
            // the terminal's master is also its output: closing it would cut the output off
            if (!tty) {
                try {
                    stdin.close();
                } catch (IOException e) {
                    // already closed
                }
            }
        }
    }

    private void write(ByteBuffer data) throws IOException {
        int length = data.remaining();
        if (data.hasArray()) {
            stdin.write(data.array(), data.arrayOffset() + data.position(), length);
        } else {
            byte[] copy = new byte[length];
            data.duplicate().get(copy);
            stdin.write(copy);
        }
        stdin.flush();
        lastByte = data.get(data.position() + length - 1);
    }
}
