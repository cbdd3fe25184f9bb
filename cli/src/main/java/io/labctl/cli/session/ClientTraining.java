package io.labctl.cli.session;

import io.labctl.protocol.channel.StreamCompressor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One invocation handed to a stand-in session over a private socket, for the AppCDS archive the launcher dumps on a
 * 'labctl version' run: every later command starts in {@link SessionClient}, and the classes of that path (the UNIX
 * socket, frames, the request, the DEFLATE output, the JDK's lambdas behind them) would otherwise be loaded and
 * linked from the jar on each start. Only runs when the launcher sets LABCTL_CDS_TRAINING=1; best effort.
 */
final class ClientTraining {
    private ClientTraining() {}

    static void run(Map<String, String> env) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("labctl-cds");
            Path jar = SessionClient.jar();
            if (jar != null) {
                SessionPaths.of(Map.of("LABCTL_SESSION_DIR", dir.resolve("session").toString()), jar);
            }
            Path socket = dir.resolve("s");
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                server.bind(UnixDomainSocketAddress.of(socket));
                Thread session = new Thread(new Runnable() {
                    @Override
                    public void run() {
                        standIn(server);
                    }
                }, "labctl-cds-session");
                session.start();
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                channel.connect(UnixDomainSocketAddress.of(socket));
                try (FrameChannel frames = new FrameChannel(channel)) {
                    new SessionClient(env, new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
                            new ByteArrayOutputStream(), false).relay(frames, new String[] {"version"}, false);
                }
                session.join(5_000);
            }
        } catch (IOException | RuntimeException e) {
            // training is best effort: a run without it only starts slower
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deleteQuietly(dir);
        }
    }

    /** The session's side of one invocation: the request read, output plain and deflated, the exit code. */
    private static void standIn(ServerSocketChannel server) {
        try (FrameChannel frames = new FrameChannel(server.accept())) {
            SessionRequest.decode(frames.receive().payload());
            frames.send(FrameChannel.STARTED);
            frames.send(FrameChannel.STDOUT, "out\n".getBytes(StandardCharsets.UTF_8));
            frames.send(FrameChannel.STDERR, "err\n".getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream deflated = new ByteArrayOutputStream();
            try (StreamCompressor compressor = new StreamCompressor((b, off, len) -> deflated.write(b, off, len))) {
                byte[] text = "deflated\n".getBytes(StandardCharsets.UTF_8);
                compressor.write(text, 0, text.length);
                compressor.flush();
            }
            frames.send(FrameChannel.STDOUT_DEFLATED, deflated.toByteArray());
            frames.sendInt(FrameChannel.EXIT, 0);
        } catch (IOException e) {
            // the client side gave up: nothing to train further
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // a temporary directory left behind
        }
    }
}
