package io.labctl.itests.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server on loopback serving git repositories over ssh:// (git-upload-pack as this user): its own
 * config, host key and authorized key (the "deploy" key), in a private mount namespace for its /run/sshd. Needs root
 * and openssh-server; {@link #available()} says whether this machine has them.
 */
public final class GitSshServer implements AutoCloseable {
    public static final Path SSHD = Path.of("/usr/sbin/sshd");
    public final Path dir;
    public final int port;
    private final Process process;

    private GitSshServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    public static boolean available() {
        return Files.isExecutable(SSHD) && "root".equals(System.getProperty("user.name"));
    }

    /** Starts it with keys made in {@code dir}: host_key, deploy (authorized), other (not), locked (a passphrase). */
    public static GitSshServer start(Path dir) throws Exception {
        Files.createDirectories(dir);
        for (String key : List.of("host_key", "deploy", "other", "locked")) {
            String passphrase = key.equals("locked") ? "a passphrase" : "";
            Processes.Result made = Processes.run(dir, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase,
                    "-f", key), Duration.ofSeconds(30));
            if (made.exitCode() != 0) {
                throw new IllegalStateException("ssh-keygen: " + made);
            }
        }
        Files.copy(dir.resolve("deploy.pub"), dir.resolve("authorized_keys"));
        int port = Ports.free();
        Files.writeString(dir.resolve("sshd_config"), String.join("\n", "ListenAddress 127.0.0.1", "Port " + port,
                "HostKey " + dir.resolve("host_key"), "PidFile none", "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "StrictModes no", "UsePAM no", "PermitRootLogin prohibit-password", "PasswordAuthentication no",
                "KbdInteractiveAuthentication no", "PubkeyAuthentication yes", "UseDNS no", "LogLevel VERBOSE", ""));
        Process p = new ProcessBuilder("unshare", "-m", "sh", "-c", "mount -t tmpfs tmpfs /run && mkdir -p /run/sshd"
                + " && exec " + SSHD + " -D -e -f " + dir.resolve("sshd_config")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sshd.log").toFile()).start();
        GitSshServer server = new GitSshServer(dir, port, p);
        server.awaitListening();
        return server;
    }

    /** Its host key as a known_hosts line. */
    public String knownHostsLine() throws IOException {
        String[] pub = Files.readString(dir.resolve("host_key.pub")).strip().split(" ");
        return "[127.0.0.1]:" + port + " " + pub[0] + " " + pub[1] + "\n";
    }

    /** The ssh:// URL of a repository on this machine's file system. */
    public String url(Path repository) {
        return "ssh://" + System.getProperty("user.name") + "@127.0.0.1:" + port + repository.toAbsolutePath();
    }

    private void awaitListening() throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("sshd ended: " + Files.readString(dir.resolve("sshd.log")));
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("sshd is not listening on " + port);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
    }
}
