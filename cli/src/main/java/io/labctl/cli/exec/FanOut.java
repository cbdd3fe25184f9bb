package io.labctl.cli.exec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.labctl.protocol.ServerInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * One command on many servers: offline servers are reported without waiting on them, online ones run with at most
 * {@code parallel} streams at a time (a sliding window: the next server starts as soon as one finishes). Each server
 * gets its own {@link ExecStream}; this class only schedules them and classifies how they ended.
 */
public final class FanOut {
    public static final int MAX_PARALLEL = 64;
    /** Per server and stream, for -o json. */
    public static final int CAPTURE_LIMIT = 1 << 20;

    public static final String OK = "ok";
    public static final String FAILED = "failed";
    public static final String OFFLINE = "offline";
    public static final String DENIED = "denied";
    public static final String ERROR = "error";

    /** One server's result; -o json prints a list of these (nulls included, so every object has every field). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"server", "status", "exitCode", "stdout", "stderr", "error"})
    public record Result(String server, String status, Integer exitCode, String stdout, String stderr, String error) {
        public boolean ok() {
            return OK.equals(status);
        }
    }

    private final Connector connector;
    /** (server, output) → a stream not yet started. */
    private final BiFunction<String, ExecStream.Output, ExecStream> streams;
    private final int parallel;
    private final boolean capture;
    private final OutputStream stdout;
    private final OutputStream stderr;
    private final Object printLock = new Object();
    private final Set<ExecStream> running = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;

    /**
     * @param capture true for -o json: keep output in memory instead of printing prefixed lines
     */
    public FanOut(Connector connector, BiFunction<String, ExecStream.Output, ExecStream> streams, int parallel,
                  boolean capture, OutputStream stdout, OutputStream stderr) {
        this.connector = connector;
        this.streams = streams;
        this.parallel = Math.max(1, Math.min(parallel, MAX_PARALLEL));
        this.capture = capture;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Runs on every online server; returns one result per server, in the order given. */
    public List<Result> run(List<ServerInfo> servers) {
        List<Future<Result>> pending = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "labctl-exec-fanout");
            t.setDaemon(true);
            return t;
        });
        try {
            for (ServerInfo s : servers) {
                if (!ServerInfo.ONLINE.equals(s.status())) {
                    pending.add(CompletableFuture.completedFuture(new Result(s.name(), OFFLINE, null, null, null,
                            "server is " + (s.status() == null ? "not online" : s.status()))));
                } else {
                    pending.add(pool.submit(() -> runOne(s.name())));
                }
            }
            List<Result> results = new ArrayList<>();
            for (Future<Result> f : pending) {
                results.add(f.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Asks labd to stop every running command; servers not started yet are skipped. Safe from any thread. */
    public void cancel() {
        cancelled = true;
        // in parallel and bounded: a signal handler or shutdown hook must not wait on 64 slow sends in a row
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (ExecStream s : running) {
            sends.add(CompletableFuture.runAsync(s::cancel));
        }
        try {
            CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort
        }
    }

    public boolean cancelled() {
        return cancelled;
    }

    private Result runOne(String server) {
        if (cancelled) {
            return new Result(server, ERROR, null, null, null, "not started: cancelled");
        }
        LineOutput lines = capture ? null : new LineOutput(server, stdout, stderr, printLock);
        CapturedOutput captured = capture ? new CapturedOutput(CAPTURE_LIMIT) : null;
        ExecStream stream = streams.apply(server, capture ? captured : lines);
        running.add(stream);
        if (cancelled) {
            stream.cancel();  // cancel() may have missed it
        }
        Outcome o;
        try {
            o = stream.run(connector);
        } finally {
            running.remove(stream);
        }
        Result r = classify(server, o, captured);
        if (lines != null) {
            try {
                lines.finish();
                if (r.error() != null && o.kind() != Outcome.Kind.CANCELLED) {
                    lines.note(r.status().equals(DENIED) ? "denied: " + r.error() : "error: " + r.error());
                }
            } catch (IOException e) {
                // our own stdout is gone; the summary will say what happened
            }
        }
        return r;
    }

    static Result classify(String server, Outcome o, CapturedOutput captured) {
        String out = captured == null ? null : captured.stdoutText();
        String err = captured == null ? null : captured.stderrText();
        String note = captured != null && captured.truncated()
                ? "output cut at " + (CAPTURE_LIMIT >> 20) + " MiB per stream" : null;
        return switch (o.kind()) {
            case EXITED -> o.exitCode() == null
                    ? new Result(server, ERROR, null, out, err, "labd ended the command without an exit code")
                    : new Result(server, o.exitCode() == 0 ? OK : FAILED, o.exitCode(), out, err, note);
            case REFUSED -> new Result(server, o.denied() ? DENIED : o.offline() ? OFFLINE : ERROR, null, out, err,
                    o.message());
            case TIMED_OUT, CANCELLED -> new Result(server, FAILED, null, out, err, o.message());
            case FAILED -> new Result(server, ERROR, null, out, err, o.message());
        };
    }
}
