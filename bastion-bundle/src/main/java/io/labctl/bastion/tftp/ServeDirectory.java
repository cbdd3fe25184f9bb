package io.labctl.bastion.tftp;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Serves a directory over TFTP until interrupted. Operator tool and benchmark harness.
 *
 * <pre>java -cp ... io.labctl.bastion.tftp.ServeDirectory --root DIR [--port 69] [--bind 0.0.0.0]
 *      [--max-blksize 65464] [--max-windowsize 64] [--timeout-ms 1000] [--retries 5] [--max-transfers 64]</pre>
 */
public final class ServeDirectory {
    private ServeDirectory() {
    }

    public static void main(String[] args) throws Exception {
        TftpSettings settings = TftpSettings.defaults();
        Path root = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                usage(null);
            }
            if (i + 1 >= args.length) {
                usage("missing value for " + arg);
            }
            String v = args[++i];
            switch (arg) {
                case "--root" -> root = Path.of(v);
                case "--port" -> settings = settings.withPort(Integer.parseInt(v));
                case "--bind" -> settings = settings.withBindAddress(InetAddress.getByName(v));
                case "--max-blksize" -> settings = settings.withMaxBlockSize(Integer.parseInt(v));
                case "--max-windowsize" -> settings = settings.withMaxWindowSize(Integer.parseInt(v));
                case "--timeout-ms" -> settings = settings.withTimeout(Duration.ofMillis(Long.parseLong(v)), settings.retries());
                case "--retries" -> settings = settings.withTimeout(settings.timeout(), Integer.parseInt(v));
                case "--max-transfers" -> settings = settings.withMaxConcurrentTransfers(Integer.parseInt(v));
                default -> usage("unknown argument " + arg);
            }
        }
        if (root == null) {
            usage("--root is required");
        }
        TransferObserver printer = new TransferObserver() {
            @Override
            public void completed(TransferInfo t, long bytes, Duration duration) {
                System.err.printf("sent %s to %s: %d bytes in %d ms%n", t.filename(), t.peer(), bytes, duration.toMillis());
            }

            @Override
            public void failed(TransferInfo t, String reason) {
                System.err.printf("failed %s to %s: %s%n", t.filename(), t.peer(), reason);
            }
        };
        TftpServer server = TftpServer.start(settings, new RootDirectoryFiles(root), printer);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }));
        System.out.println("serving " + root.toAbsolutePath() + " on port " + server.port());
        System.out.flush();
        stop.await();
    }

    private static void usage(String error) {
        if (error != null) {
            System.err.println("error: " + error);
        }
        System.err.println("usage: ServeDirectory --root DIR [--port N] [--bind ADDR] [--max-blksize N]"
                + " [--max-windowsize N] [--timeout-ms N] [--retries N] [--max-transfers N]");
        System.exit(error == null ? 0 : 2);
    }
}
