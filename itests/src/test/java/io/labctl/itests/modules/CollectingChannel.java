package io.labctl.itests.modules;

import io.labctl.agent.api.StreamChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A stream as a handler inside the agent container sees it: keeps the output and how the stream ended. */
public final class CollectingChannel implements StreamChannel {
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile Integer exitCode;
    private volatile String errorCode;
    private volatile String errorMessage;

    @Override
    public int id() {
        return 1;
    }

    @Override
    public String kind() {
        return "module";
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        output.write(bytes, offset, length);
    }

    @Override
    public void writeDeflated(byte[] bytes, int offset, int length) {
        throw new UnsupportedOperationException("module streams are not compressed");
    }

    @Override
    public void close(Integer code) {
        if (ended.getCount() > 0) {
            exitCode = code;
            ended.countDown();
        }
    }

    @Override
    public void fail(String code, String message) {
        if (ended.getCount() > 0) {
            errorCode = code;
            errorMessage = message;
            ended.countDown();
        }
    }

    @Override
    public boolean isOpen() {
        return ended.getCount() > 0;
    }

    /** Waits for the end; then describes it: {@code exit N: OUTPUT} or {@code error CODE: MESSAGE}. */
    public String awaitEnd(long seconds) throws InterruptedException {
        if (!ended.await(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("the module stream did not end within " + seconds + " s");
        }
        return errorCode != null ? "error " + errorCode + ": " + errorMessage
                : "exit " + exitCode + ": " + output();
    }

    public synchronized String output() {
        return output.toString(StandardCharsets.UTF_8);
    }
}
