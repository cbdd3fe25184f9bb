package io.labctl.modules.k3s.server.internal;

import io.labctl.module.CommandResult;
import io.labctl.module.Facts;
import io.labctl.module.Inputs;
import io.labctl.module.ModuleContext;
import io.labctl.module.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The k3s stand-in ({@code k3s-standin} in the test resources): a shell script, not k3s, that records its arguments
 * and answers {@code kubectl get node NAME} with a Ready node. The k3s modules' tests deliver it as the artifact
 * {@code k3s/<version>}; nothing here is verified against a real k3s binary.
 */
public final class K3sStandin {
    public static final String VERSION = "v1.31.4+k3s1";

    private K3sStandin() {
    }

    public static byte[] bytes() {
        try (InputStream in = K3sStandin.class.getResourceAsStream("/k3s-standin")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The module's view of a scratch-root server whose commands run on this machine, an absolute program path
     * resolved under the root (where the module's apply put the k3s binary: the stand-in). {@code env} goes to the
     * commands (K3S_STANDIN_STATUS).
     */
    public static ModuleContext context(Path root, String server, Map<String, String> inputs, Map<String, String> env) {
        return new ModuleContext() {
            @Override
            public String server() {
                return server;
            }

            @Override
            public Facts facts() {
                return new Facts(server, "debian", "12", "amd64", "6.1.0", 2, 4L << 30);
            }

            @Override
            public Inputs inputs() {
                return new StringInputs(inputs);
            }

            @Override
            public Path root() {
                return root;
            }

            @Override
            public CommandResult run(List<String> argv, Duration timeout) throws IOException {
                List<String> resolved = new ArrayList<>(argv);
                resolved.set(0, root.resolve(argv.get(0).substring(1)).toString());
                ProcessBuilder pb = new ProcessBuilder(resolved);
                pb.environment().putAll(env);
                Process p = pb.start();
                try {
                    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        p.destroyForcibly();
                        throw new IOException(argv + " did not finish within " + timeout);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                return new CommandResult(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        };
    }

    /** String inputs only: all the health check reads. */
    private record StringInputs(Map<String, String> values) implements Inputs {
        @Override
        public boolean has(String name) {
            return values.containsKey(name);
        }

        @Override
        public String string(String name) {
            String v = values.get(name);
            if (v == null) {
                throw new IllegalArgumentException("no input named " + name);
            }
            return v;
        }

        @Override
        public long integer(String name) {
            throw new UnsupportedOperationException(name);
        }

        @Override
        public boolean bool(String name) {
            throw new UnsupportedOperationException(name);
        }

        @Override
        public List<String> list(String name) {
            throw new UnsupportedOperationException(name);
        }

        @Override
        public Secret secret(String name) {
            throw new UnsupportedOperationException(name);
        }
    }
}
