package io.labctl.itests.support;

import io.labctl.protocol.ServerInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real lab-agent: the built distribution unpacked and started as its own JVM. */
public final class Agent implements AutoCloseable {
    public final Path home;
    public final String name;
    private Process process;

    private Agent(Path home, String name) {
        this.home = home;
        this.name = name;
    }

    public static Agent install(Path dir, String name, String serverUrl, String token) throws Exception {
        Agent a = new Agent(dir, name);
        Processes.untar(Path.of(System.getProperty("agent.dist")), dir);
        a.configure(serverUrl, token);
        return a;
    }

    public void configure(String serverUrl, String token) throws Exception {
        Files.writeString(home.resolve("etc/io.labctl.agent.cfg"),
                "serverUrl = " + serverUrl + "\nname = " + name + "\n" + (token == null ? "" : "token = " + token + "\n"));
    }

    public Path identity() {
        return home.resolve("identity");
    }

    public Path log() {
        return home.resolve("data/log/karaf.log");
    }

    public Path console() {
        return home.resolve("console.log");
    }

    public Agent start() throws Exception {
        process = Processes.launch(home, console(), home.resolve("bin/lab-agent").toString());
        return this;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** SIGKILL, as a crash or power loss would: no goodbye to labd. */
    public void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
    }

    public void stop() throws InterruptedException {
        Processes.stop(process, Duration.ofSeconds(20));
    }

    /**
     * Waits until labd lists this agent online; when it does not, fails with the ends of the agent's log and console,
     * which a test's temporary folder would otherwise take with it; and of {@code labdLog} when given (a labd that
     * answers 503 to every user never lists anyone online).
     */
    public void awaitOnline(Cli cli, Duration timeout, Path... labdLog) throws Exception {
        try {
            Processes.await("agent " + name + " online", timeout, () -> cli.servers().stream()
                    .anyMatch(s -> s.name().equals(name) && ServerInfo.ONLINE.equals(s.status())));
        } catch (AssertionError e) {
            String listed;
            try {
                listed = cli.ok("get", "servers", "-o", "wide");
            } catch (Exception | AssertionError notListed) {
                listed = "(labctl get servers failed: " + notListed.getMessage() + ")";
            }
            throw new AssertionError(e.getMessage() + "; agent process " + (isRunning() ? "running" : "gone")
                    + "\n--- labctl get servers -o wide\n" + listed
                    + "\n--- end of " + log() + "\n" + tail(log(), 60)
                    + "\n--- end of " + console() + "\n" + tail(console(), 20)
                    + java.util.Arrays.stream(labdLog).map(l -> "\n--- end of " + l + "\n" + tail(l, 60))
                            .collect(java.util.stream.Collectors.joining()), e);
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.exists(file) ? Files.readAllLines(file) : List.of("(no such file)");
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (Exception e) {
            return "(unreadable: " + e + ")";
        }
    }

    public String logText() throws Exception {
        return Files.exists(log()) ? Files.readString(log()) : "";
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
