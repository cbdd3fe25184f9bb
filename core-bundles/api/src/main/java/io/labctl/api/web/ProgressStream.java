package io.labctl.api.web;

import io.labctl.api.ApiException;
import io.labctl.protocol.Json;
import io.labctl.protocol.Progress;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A long request answered with {@link Progress} events as NDJSON when the client asks for them, else with one JSON
 * answer at the end (curl, scripts: the contract they had). The work runs on a thread of its own and reports its
 * events to a {@link Sink}; the request waits for the work's first event: work that ends before one (a refusal, an
 * answer with nothing to do) is answered as a plain client would be, so that every refusal stays an HTTP error. From
 * the first event on the answer is a stream: each event one line, flushed at once, a {@link Progress#KEEP_ALIVE}
 * line after a quiet interval, then {@link Progress#FINAL} with the answer or {@link Progress#ERROR}. A client that
 * goes away stops the writing, never the work ({@link Sink#clientGone()} lets the work decide what to stop). Kept
 * free of JAX-RS so that this API bundle needs no web stack: the resource wraps {@link #writeTo} in its own
 * streaming answer.
 */
public final class ProgressStream {
    /** Between two lines at most, so that no idle timeout (the web's is 30 s) cuts a quiet wait. */
    public static final Duration KEEP_ALIVE = Duration.ofSeconds(5);

    /** What the work sees: where its events go, and whether anyone still reads them. */
    public interface Sink {
        /** A sink for a plain client: events go nowhere, and the client counts as there. */
        Sink NONE = new Sink() {
            @Override
            public void accept(Progress event) { }

            @Override
            public boolean clientGone() {
                return false;
            }
        };

        void accept(Progress event);

        boolean clientGone();
    }

    /** The request's work: its answer, or an {@link ApiException} for a refusal. */
    public interface Work {
        Object run(Sink sink);
    }

    private record Ended(Object result, RuntimeException failure) {}

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Duration keepAlive;
    private volatile boolean gone;
    private Object first;
    private Object result;

    private ProgressStream(Duration keepAlive) {
        this.keepAlive = keepAlive;
    }

    /** Whether an {@code Accept} header asks for NDJSON progress ({@value Progress#CONTENT_TYPE} named in it). */
    public static boolean wanted(java.util.List<String> accept) {
        return accept != null && accept.stream().anyMatch(h -> h != null
                && h.toLowerCase(java.util.Locale.ROOT).contains(Progress.CONTENT_TYPE));
    }

    /**
     * The answer to a request whose {@code Accept} header lines are {@code accept}: for a plain client the work runs
     * on the caller's thread ({@link #result()}, its exception thrown as it is). For a client that asks for progress
     * it runs on a thread named {@code thread}, and this waits for its first event: work that ended before one is
     * answered plainly too ({@link #result()}, or its exception thrown), else {@link #streaming()} and
     * {@link #writeTo} writes the events.
     */
    public static ProgressStream answer(java.util.List<String> accept, String thread, Work work) {
        return answer(accept, thread, work, KEEP_ALIVE);
    }

    static ProgressStream answer(java.util.List<String> accept, String thread, Work work, Duration keepAlive) {
        ProgressStream s = new ProgressStream(keepAlive);
        if (!wanted(accept)) {
            s.result = work.run(Sink.NONE);
            return s;
        }
        Thread t = new Thread(() -> {
            Ended end;
            try {
                end = new Ended(work.run(s.sink()), null);
            } catch (RuntimeException e) {
                end = new Ended(null, e);
            } catch (Error e) {
                end = new Ended(null, new IllegalStateException(e));
            }
            s.queue.add(end);
        }, thread);
        t.setDaemon(true);
        t.start();
        Object first;
        try {
            first = s.queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted", "labd is stopping; the request goes on (see the audit log)");
        }
        if (first instanceof Ended end) {
            if (end.failure() != null) {
                throw end.failure();
            }
            s.result = end.result();
        } else {
            s.first = first;
        }
        return s;
    }

    /** Whether the answer is the event stream ({@value Progress#CONTENT_TYPE}); else {@link #result()}. */
    public boolean streaming() {
        return first != null;
    }

    /** The plain answer (JSON), when not {@link #streaming()}. */
    public Object result() {
        return result;
    }

    private Sink sink() {
        return new Sink() {
            @Override
            public void accept(Progress event) {
                queue.add(event);
            }

            @Override
            public boolean clientGone() {
                return gone;
            }
        };
    }

    /** Writes the events until the work ends; returns when it has, even when the client went away meanwhile. */
    public void writeTo(OutputStream out) {
        Object next = first;
        while (true) {
            if (next == null) {
                write(out, Progress.keepAlive());
            } else if (next instanceof Ended end) {
                write(out, end.failure() == null ? Progress.fin(end.result()) : error(end.failure()));
                return;
            } else {
                write(out, (Progress) next);
            }
            try {
                next = queue.poll(keepAlive.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                gone = true;
                return;
            }
        }
    }

    private static Progress error(RuntimeException e) {
        if (e instanceof ApiException api) {
            return Progress.error(api.status(), api.code(), api.getMessage());
        }
        return Progress.error(500, "internal-error", "labd failed while answering (" + e.getClass().getSimpleName()
                + "); its log has the rest");
    }

    private void write(OutputStream out, Progress event) {
        if (!gone && !writeLine(out, event)) {
            gone = true;
        }
    }

    /** One NDJSON line: the event as JSON, a newline, flushed. false when the client is gone (the write failed). */
    public static boolean writeLine(OutputStream out, Object event) {
        try {
            out.write(Json.json().writeValueAsString(event).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
