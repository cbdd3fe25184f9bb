package io.labctl.modules.internal;

import io.labctl.protocol.modules.ApplyEvent;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs a module on its targets: batch after batch, at most {@code parallelism} servers at once, and no server
 * started once more than {@code maxFailures} have failed (those are reported as not run). A gate is asked before
 * each server starts; once it names a reason to stop (the caller's access was withdrawn), no further server or batch
 * starts: those are reported as denied with that reason, and runs already started finish. Each server's outcome is an
 * event as soon as it is known. The per-server work never throws: it returns an {@link Outcome}.
 */
final class Rollout {
    /** What a rollout did, counted by server. */
    record Tally(int changed, int unchanged, int failed, int notRun, int unreachable, String stopped) {
        Tally(int changed, int unchanged, int failed, int notRun, int unreachable) {
            this(changed, unchanged, failed, notRun, unreachable, null);
        }
    }

    /** Asked before each server starts: null to go on, else why the whole rollout stops there. */
    interface Gate {
        Gate OPEN = server -> null;

        String stopBefore(String server);
    }

    private final int parallelism;

    Rollout(int parallelism) {
        this.parallelism = Math.max(1, parallelism);
    }

    Tally run(List<String> servers, int batchSize, int maxFailures, Function<String, Outcome> work, Events events) {
        return run(servers, batchSize, maxFailures, work, server -> { }, events);
    }

    /** notRun hears of each server that was not started because too many had failed. */
    Tally run(List<String> servers, int batchSize, int maxFailures, Function<String, Outcome> work,
              Consumer<String> notRunHere, Events events) {
        return run(servers, batchSize, maxFailures, work, notRunHere, Gate.OPEN, events);
    }

    Tally run(List<String> servers, int batchSize, int maxFailures, Function<String, Outcome> work,
              Consumer<String> notRunHere, Gate gate, Events events) {
        AtomicReference<String> stopped = new AtomicReference<>();
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger changed = new AtomicInteger();
        AtomicInteger unchanged = new AtomicInteger();
        AtomicInteger notRun = new AtomicInteger();
        AtomicInteger unreachable = new AtomicInteger();
        int threads = Math.min(parallelism, Math.max(1, Math.min(batchSize, servers.size())));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "labd-module-run");
            t.setDaemon(true);
            return t;
        });
        int batches = (servers.size() + batchSize - 1) / batchSize;
        try {
            for (int from = 0; from < servers.size(); from += batchSize) {
                List<String> batch = servers.subList(from, Math.min(servers.size(), from + batchSize));
                events.batch(from / batchSize + 1, batches, batch);
                List<Future<?>> running = batch.stream().<Future<?>>map(server -> pool.submit(() -> {
                    if (stopped.get() == null) {
                        String why = gate.stopBefore(server);
                        if (why != null) {
                            stopped.compareAndSet(null, why);
                        }
                    }
                    if (stopped.get() != null) {
                        notRun.incrementAndGet();
                        notRunHere.accept(server);
                        events.done(ApplyEvent.DENIED, server, null, "not run: " + stopped.get());
                        return;
                    }
                    if (failures.get() > maxFailures) {
                        notRun.incrementAndGet();
                        notRunHere.accept(server);
                        events.done(ApplyEvent.EXCLUDED, server, null, "not run: " + failures.get() + " server(s) failed"
                                + " and --max-failures is " + maxFailures);
                        return;
                    }
                    Outcome o = work.apply(server);
                    if (o.offline()) {
                        unreachable.incrementAndGet();
                        events.done(ApplyEvent.EXCLUDED, server, null, o.message());
                        return;
                    }
                    (o.failed() ? failures : o.changed() ? changed : unchanged).incrementAndGet();
                    events.done(ApplyEvent.RESULT, server, o.report(), o.message());
                })).toList();
                for (Future<?> f : running) {
                    f.get();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a module run broke its contract and threw", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new Tally(changed.get(), unchanged.get(), failures.get(), notRun.get(), unreachable.get(), stopped.get());
    }

    /** The events of one rollout, in the order they happen, with done/total counted here. */
    static final class Events {
        /** Hears of each batch before its servers start (on the rollout's own thread). */
        interface Batches {
            void starting(int number, int of, List<String> servers);
        }

        private final Consumer<ApplyEvent> sink;
        private final int total;
        private final Batches batches;
        private int done;

        Events(Consumer<ApplyEvent> sink, int total) {
            this(sink, total, (number, of, servers) -> { });
        }

        Events(Consumer<ApplyEvent> sink, int total, Batches batches) {
            this.sink = sink;
            this.total = total;
            this.batches = batches;
        }

        void batch(int number, int of, List<String> servers) {
            batches.starting(number, of, servers);
        }

        synchronized void emit(String type, String server, String message) {
            sink.accept(new ApplyEvent(type, server, null, message, done, total));
        }

        synchronized void done(String type, String server, io.labctl.protocol.modules.ModuleReport report, String message) {
            done++;
            sink.accept(new ApplyEvent(type, server, report, message, done, total));
        }

        int total() {
            return total;
        }
    }
}
