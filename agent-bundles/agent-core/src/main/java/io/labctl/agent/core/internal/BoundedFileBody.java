package io.labctl.agent.core.internal;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body written to a file as it arrives, and abandoned (the exchange cancelled) as soon as it is announced
 * or seen to be longer than a limit, so a peer cannot make the agent store or hold more than it agreed to take.
 * The body's value is the number of bytes written; on failure the file may hold a part and is the caller's to delete.
 */
final class BoundedFileBody implements HttpResponse.BodySubscriber<Long> {
    private final Path file;
    private final long maxBytes;
    private final long announcedBytes;
    private final CompletableFuture<Long> result = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private FileChannel channel;
    private long written;

    /** @param announcedBytes the Content-Length, or -1 when there is none */
    BoundedFileBody(Path file, long maxBytes, long announcedBytes) {
        this.file = file;
        this.maxBytes = maxBytes;
        this.announcedBytes = announcedBytes;
    }

    /** The message of the failure when a body is longer than the limit. */
    static String tooLarge(long maxBytes) {
        return "the answer is larger than the " + maxBytes + " bytes this agent accepts";
    }

    @Override
    public CompletionStage<Long> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (announcedBytes > maxBytes) {
            fail(new IOException(tooLarge(maxBytes) + " (it announced " + announcedBytes + ")"));
            return;
        }
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            fail(e);
            return;
        }
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        try {
            for (ByteBuffer buffer : buffers) {
                written += buffer.remaining();
                if (written > maxBytes) {
                    fail(new IOException(tooLarge(maxBytes)));
                    return;
                }
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        } catch (IOException e) {
            fail(e);
            return;
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable throwable) {
        closeChannel();
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        if (result.isDone()) {
            return;
        }
        try {
            channel.force(true);
            channel.close();
            result.complete(written);
        } catch (IOException e) {
            result.completeExceptionally(e);
        }
    }

    private void fail(IOException e) {
        subscription.cancel();
        closeChannel();
        result.completeExceptionally(e);
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // failing anyway; the caller removes the file
            }
        }
    }
}
