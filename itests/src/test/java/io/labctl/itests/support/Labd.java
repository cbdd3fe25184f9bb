package io.labctl.itests.support;

import io.labctl.protocol.CredentialBundle;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A real labd: the built distribution unpacked, on free ports, started as its own JVM with its embedded PostgreSQL. */
public final class Labd implements AutoCloseable {
    public final Path home;
    public final int port;
    public final int dbPort;
    public final int sshPort;
    private Process process;

    private Labd(Path home, int port, int dbPort, int sshPort) {
        this.home = home;
        this.port = port;
        this.dbPort = dbPort;
        this.sshPort = sshPort;
    }

    /** Unpacks and configures a labd under dir; extra lines go to etc/io.labctl.registry.cfg (e.g. offlineAfterSeconds). */
    public static Labd install(Path dir, String registryConfig) throws Exception {
        Labd l = new Labd(dir, Ports.free(), Ports.free(), Ports.free());
        Processes.untar(Path.of(System.getProperty("labd.dist")), dir);
        Files.writeString(dir.resolve("etc/io.labctl.web.cfg"),
                "host = 127.0.0.1\nport = " + l.port + "\nadvertiseUrl = " + l.url() + "\n");
        Files.writeString(dir.resolve("etc/io.labctl.persistence.cfg"), "embeddedPort = " + l.dbPort + "\n");
        Files.writeString(dir.resolve("etc/io.labctl.registry.cfg"), registryConfig == null ? "" : registryConfig);
        Path shell = dir.resolve("etc/org.apache.karaf.shell.cfg");
        Files.writeString(shell, Files.readString(shell).replaceAll("(?m)^sshPort = .*$", "sshPort = " + l.sshPort));
        return l;
    }

    public String url() {
        return "https://127.0.0.1:" + port;
    }

    public Path log() {
        return home.resolve("data/log/karaf.log");
    }

    public Path console() {
        return home.resolve("console.log");
    }

    public Path adminBundle() {
        return home.resolve("etc/admin.labctl.yaml");
    }

    public Labd start() throws Exception {
        return start(Duration.ofSeconds(60));
    }

    /**
     * {@link #start()} with another bound for the health check: a restart finds its admin bundle at once, and then
     * waits for every capability (and its database) to come back.
     */
    public Labd start(Duration health) throws Exception {
        launch();
        Processes.await("labd to write its admin bundle (see " + log() + ")", Duration.ofSeconds(120), () -> Files.exists(adminBundle()));
        HttpClient anonymous = Tls.anonymous(admin());
        Processes.await("labd's health check (see " + log() + ")", health, () -> {
            try {
                return anonymous.send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        });
        return this;
    }

    /** Starts the labd process without waiting for it to come up (for tests of a labd that must refuse to). */
    public Labd launch() throws IOException {
        process = Processes.launch(home, console(), home.resolve("bin/karaf").toString(), "server");
        return this;
    }

    public CredentialBundle admin() throws IOException {
        return CredentialBundle.read(adminBundle());
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * SIGKILL to labd's JVM and everything under it but its PostgreSQL, as when the JVM is killed or crashes: no
     * component is deactivated, nothing is flushed. {@link #start} starts it again on the same database.
     */
    public void kill() throws Exception {
        java.util.List<ProcessHandle> victims = new java.util.ArrayList<>(process.descendants()
                .filter(p -> !p.info().command().orElse("").contains("postgres")).toList());
        victims.add(process.toHandle());
        for (ProcessHandle p : victims) {
            p.destroyForcibly();
        }
        for (ProcessHandle p : victims) {
            p.onExit().get();
        }
    }

    public void stop() throws InterruptedException {
        Processes.stop(process, Duration.ofSeconds(30));
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
