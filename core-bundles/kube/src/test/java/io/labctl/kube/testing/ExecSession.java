package io.labctl.kube.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One exec of the API server double, in the channel protocol an API server speaks over WebSocket: every binary
 * message starts with its channel (0 stdin, 1 stdout, 2 stderr, 3 the final Status as JSON, 4 terminal resizes) and
 * in v5 a message on channel 255 closes the channel its second byte names (kubectl closes stdin so). Nothing runs:
 * <ul>
 *   <li>{@code echo ARGS} prints ARGS; {@code true}, {@code false} and {@code exit N} end with 0, 1 and N;</li>
 *   <li>{@code sh -c 'SCRIPT'} runs SCRIPT as one of these (split on blanks);</li>
 *   <li>{@code cat} echoes stdin until kubectl closes it (v5), then ends with 0;</li>
 *   <li>{@code tty} prints /dev/pts/0 with a TTY, else "not a tty" and ends with 1;</li>
 *   <li>{@code sleep N} ends with 0 after N seconds (at most an hour): a stream that stays open without stdin;</li>
 *   <li>anything else: "sh: NAME: not found" on stderr, ends with 127.</li>
 * </ul>
 * With a TTY, output lines end in CR LF and stderr goes to stdout, as a terminal would make them.
 */
public final class ExecSession implements Session.Listener.AutoDemanding {
    private static final byte STDIN = 0;
    private static final byte STDOUT = 1;
    private static final byte STDERR = 2;
    private static final byte STATUS = 3;
    private static final byte RESIZE = 4;
    private static final byte CLOSE = (byte) 255;

    private final ApiServerDouble.Exec exec;
    private final List<String> resizes;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Session session;
    private volatile boolean echoing;

    ExecSession(ApiServerDouble.Exec exec, List<String> resizes) {
        this.exec = exec;
        this.resizes = resizes;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        run(exec.command());
    }

    private void run(List<String> command) {
        String name = command.get(0);
        List<String> args = command.subList(1, command.size());
        switch (name) {
            case "echo" -> {
                out(STDOUT, String.join(" ", args) + "\n");
                end(0);
            }
            case "true" -> end(0);
            case "false" -> end(1);
            case "exit" -> end(args.isEmpty() ? 0 : exitCode(args.get(0)));
            case "sh" -> {
                if (args.size() == 2 && args.get(0).equals("-c") && !args.get(1).isBlank()) {
                    run(List.of(args.get(1).trim().split("\\s+")));
                } else {
                    out(STDERR, "sh: only sh -c 'COMMAND' is understood here\n");
                    end(2);
                }
            }
            case "cat" -> {
                if (exec.stdin()) {
                    echoing = true;   // until kubectl closes stdin
                } else {
                    end(0);
                }
            }
            case "sleep" -> {
                double seconds = args.isEmpty() ? -1 : seconds(args.get(0));
                if (seconds < 0 || seconds > 3600) {
                    out(STDERR, "sleep: give a number of seconds up to 3600\n");
                    end(1);
                } else {
                    java.util.concurrent.CompletableFuture.delayedExecutor((long) (seconds * 1000),
                            java.util.concurrent.TimeUnit.MILLISECONDS).execute(() -> end(0));
                }
            }
            case "tty" -> {
                out(STDOUT, exec.tty() ? "/dev/pts/0\n" : "not a tty\n");
                end(exec.tty() ? 0 : 1);
            }
            default -> {
                out(STDERR, "sh: " + name + ": not found\n");
                end(127);
            }
        }
    }

    private static double seconds(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int exitCode(String text) {
        try {
            return Integer.parseInt(text) & 0xff;
        } catch (NumberFormatException e) {
            return 2;
        }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        if (!payload.hasRemaining()) {
            callback.succeed();
            return;
        }
        byte channel = payload.get();
        if (channel == STDIN && echoing) {
            byte[] data = new byte[payload.remaining()];
            payload.get(data);
            // the next message is read once this one is out: stdin cannot outrun what is written back
            send(STDOUT, data, callback);
            return;
        }
        if (channel == RESIZE) {
            resizes.add(StandardCharsets.UTF_8.decode(payload).toString());
        } else if (channel == CLOSE && payload.hasRemaining() && payload.get() == STDIN && echoing) {
            echoing = false;
            end(0);
        }
        callback.succeed();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        ended.set(true);
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        ended.set(true);
    }

    private void out(byte channel, String text) {
        if (exec.tty()) {
            channel = STDOUT;
            text = text.replace("\n", "\r\n");
        }
        send(channel, text.getBytes(StandardCharsets.UTF_8), Callback.NOOP);
    }

    private void send(byte channel, byte[] data, Callback sent) {
        ByteBuffer message = ByteBuffer.allocate(1 + data.length).put(channel).put(data).flip();
        session.sendBinary(message, sent);
    }

    /** The Status an API server sends last: Success, or Failure with reason NonZeroExitCode and the code. */
    private void end(int code) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        String status = code == 0 ? "{\"metadata\":{},\"status\":\"Success\"}"
                : "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit code: exit status "
                + code + "\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\""
                + code + "\"}]}}";
        if (session.isOpen()) {
            send(STATUS, status.getBytes(StandardCharsets.UTF_8), Callback.NOOP);
            session.close(1000, null, Callback.NOOP);
        }
    }
}
