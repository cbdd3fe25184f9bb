package io.labctl.kube.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.kube.testing.ApiServerDouble;
import io.labctl.kube.testing.Kubectl;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: the figures of bench/kube-proxy.sh (run with -Dkube.bench=RUNS; skipped otherwise). It starts the API
 * server double with kube.bench.pods pods (1,000) and measures the real kubectl against it directly and, when
 * kube.bench.setup names a command, through a second kubeconfig that command writes (the one through labd): the
 * command gets DOUBLE_KUBECONFIG (the double's own kubeconfig) and must write SECOND_KUBECONFIG; kube.bench.context
 * picks a context in it, kube.bench.teardown runs at the end. Two measures, both targets taking turns:
 * <ul>
 *   <li>{@code kubectl get pods}: RUNS timed runs each (process start to exit; discovery cached by warm-up runs),
 *   median and p90; every run must print all pods;</li>
 *   <li>{@code kubectl exec pod-00001 -- echo hi} (a WebSocket upgrade): as many runs, median and p90;</li>
 *   <li>watch latency: a watch of each target open at once, kube.bench.events events published 20 ms apart, each
 *   stamped with its publishing time (after 10 not counted); latency = when kubectl printed it minus that stamp, p50
 *   and p99.</li>
 * </ul>
 */
class KubeProxyBench {
    /** Published first and not counted: the first events pay for the code paths' first runs. */
    private static final int WARM_UP_EVENTS = 10;

    @TempDir
    Path dir;

    record Target(String name, Path kubeconfig, String context) {
        List<String> args(String... more) {
            List<String> all = new ArrayList<>(List.of("--kubeconfig", kubeconfig.toString()));
            if (context != null && !context.isBlank()) {
                all.addAll(List.of("--context", context));
            }
            all.addAll(List.of(more));
            return all;
        }
    }

    @Test
    void kubectlDirectAndThroughTheSecondKubeconfig() throws Exception {
        int runs = Integer.getInteger("kube.bench", 0);
        Assumptions.assumeTrue(runs > 0, "a benchmark: run with -Dkube.bench=RUNS (bench/kube-proxy.sh)");
        String kubectl = Kubectl.find();
        Assumptions.assumeTrue(kubectl != null, "needs kubectl (set KUBECTL or put it on the PATH)");
        int pods = Integer.getInteger("kube.bench.pods", 1000);
        int events = Integer.getInteger("kube.bench.events", 200);
        String setup = System.getProperty("kube.bench.setup", "");
        String teardown = System.getProperty("kube.bench.teardown", "");
        Path home = dir.resolve("home");

        try (ApiServerDouble api = ApiServerDouble.start(dir.resolve("api"))) {
            api.addPods(pods);
            List<Target> targets = new ArrayList<>();
            targets.add(new Target("direct", Files.writeString(dir.resolve("direct.kubeconfig"), api.kubeconfig("cert")), null));
            Map<String, String> env = Map.of("DOUBLE_KUBECONFIG", targets.get(0).kubeconfig().toString(),
                    "SECOND_KUBECONFIG", dir.resolve("second.kubeconfig").toString());
            if (!setup.isBlank()) {
                shell(setup, env);
                assertTrue(Files.isRegularFile(dir.resolve("second.kubeconfig")), "the setup command wrote no $SECOND_KUBECONFIG");
                targets.add(new Target("second", dir.resolve("second.kubeconfig"), System.getProperty("kube.bench.context")));
            }
            try {
                System.out.printf("kubectl: %s; %d pods; %d runs; %d watch events%n", version(kubectl, home), pods, runs, events);
                Map<String, List<Long>> lists = new ConcurrentHashMap<>();
                Map<String, List<Long>> execs = new ConcurrentHashMap<>();
                for (int round = -2; round < runs; round++) {   // two warm-up rounds fill kubectl's discovery cache
                    for (Target target : targets) {
                        long listed = run(kubectl, home, target, out -> assertEquals(pods + 1, out.lines().count(),
                                target.name() + " did not list every pod"), "get", "pods");
                        long executed = run(kubectl, home, target, out -> assertEquals("hi\n", out),
                                "exec", "pod-00001", "--", "echo", "hi");
                        if (round >= 0) {
                            lists.computeIfAbsent(target.name(), t -> new ArrayList<>()).add(listed);
                            execs.computeIfAbsent(target.name(), t -> new ArrayList<>()).add(executed);
                        }
                    }
                }
                Map<String, List<Long>> latencies = watchLatencies(kubectl, home, api, targets, pods, events);
                print(targets, lists, execs, latencies, pods, events);
            } finally {
                if (!teardown.isBlank()) {
                    shell(teardown, env);
                }
            }
        }
    }

    /** One kubectl run, timed from process start to exit; it must succeed and print what check accepts. */
    private static long run(String kubectl, Path home, Target target, java.util.function.Consumer<String> check,
                            String... args) throws Exception {
        long start = System.nanoTime();
        Process p = Kubectl.command(kubectl, home, target.args(args).toArray(String[]::new))
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        long took = System.nanoTime() - start;
        assertEquals(0, p.exitValue(), target.name() + ": " + out);
        check.accept(out);
        return took;
    }

    private static Map<String, List<Long>> watchLatencies(String kubectl, Path home, ApiServerDouble api,
                                                         List<Target> targets, int pods, int events) throws Exception {
        Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
        List<Process> watches = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        try {
            for (Target target : targets) {
                Process watch = Kubectl.command(kubectl, home, target.args("get", "pods", "-w", "--watch-only", "-o",
                        "jsonpath={.metadata.annotations.double\\.labctl\\.io/published}{\"\\n\"}").toArray(String[]::new))
                        .redirectErrorStream(true).start();
                watches.add(watch);
                List<Long> seen = Collections.synchronizedList(new ArrayList<>());
                latencies.put(target.name(), seen);
                Thread reader = new Thread(() -> {
                    try (BufferedReader lines = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
                        int read = 0;
                        for (String line; seen.size() < events && (line = lines.readLine()) != null; ) {
                            Instant now = Instant.now();
                            if (line.matches("[0-9]+") && ++read > WARM_UP_EVENTS) {
                                seen.add(now.getEpochSecond() * 1_000_000_000L + now.getNano() - Long.parseLong(line));
                            }
                        }
                    } catch (Exception e) {
                        // the watch ended: fewer events are reported as such
                    }
                }, "watch-" + target.name());
                reader.start();
                readers.add(reader);
            }
            assertTrue(api.awaitWatches(targets.size(), Duration.ofSeconds(60)), "the watches did not reach the double");
            for (int i = 0; i < WARM_UP_EVENTS + events; i++) {
                api.touch(String.format("pod-%05d", 1 + i % pods));
                Thread.sleep(20);
            }
            for (Thread reader : readers) {
                reader.join(30_000);
            }
        } finally {
            watches.forEach(Process::destroyForcibly);
        }
        return latencies;
    }

    private static void print(List<Target> targets, Map<String, List<Long>> lists, Map<String, List<Long>> execs,
                              Map<String, List<Long>> latencies, int pods, int events) {
        boolean two = targets.size() == 2;
        String header = two ? "%-44s %12s %12s %8s%n" : "%-44s %12s%n";
        System.out.printf(header, "", "direct", two ? "second" : "", two ? "ratio" : "");
        row("kubectl get pods (" + pods + " pods): median", lists, 50, two);
        row("kubectl get pods (" + pods + " pods): p90", lists, 90, two);
        row("kubectl exec (echo, WebSocket): median", execs, 50, two);
        row("kubectl exec (echo, WebSocket): p90", execs, 90, two);
        row("watch event latency: p50", latencies, 50, two);
        row("watch event latency: p99", latencies, 99, two);
        for (Target target : targets) {
            int got = latencies.get(target.name()).size();
            System.out.printf("%s: %d of %d watch events arrived%n", target.name(), got, events);
        }
    }

    private static void row(String name, Map<String, List<Long>> samples, int percentile, boolean two) {
        double direct = percentile(samples.get("direct"), percentile);
        if (two) {
            double second = percentile(samples.get("second"), percentile);
            System.out.printf("%-44s %9.2f ms %9.2f ms %7.2fx%n", name, direct, second, second / direct);
        } else {
            System.out.printf("%-44s %9.2f ms%n", name, direct);
        }
    }

    /** Nearest rank, in milliseconds. */
    static double percentile(List<Long> nanos, int percentile) {
        if (nanos == null || nanos.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1)) / 1e6;
    }

    private static String version(String kubectl, Path home) throws Exception {
        Process p = Kubectl.command(kubectl, home, "version", "--client").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out.lines().findFirst().orElse("?").replace("Client Version: ", "");
    }

    private static void shell(String command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).inheritIO();
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "took too long: " + command);
        assertEquals(0, p.exitValue(), "failed: " + command);
    }
}
