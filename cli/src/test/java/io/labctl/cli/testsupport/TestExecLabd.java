package io.labctl.cli.testsupport;

import io.labctl.protocol.Api;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.Json;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.StreamClose;
import io.labctl.protocol.channel.StreamCompressor;
import io.labctl.protocol.channel.StreamError;
import io.labctl.protocol.channel.StreamOpen;
import io.labctl.protocol.exec.ExecRequest;
import io.labctl.protocol.logs.LogsRequest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * Test double of labd's stream endpoints, over the same mutual TLS as {@link TestLabd}: Jetty answers
 * GET /api/v1/servers with a canned list and upgrades /ws/exec?server=NAME and /ws/logs?server=NAME to a WebSocket on
 * which a scripted {@link Peer} plays labd and the agent behind it (one script per server serves both paths; it can
 * tell them apart by {@link Peer#path}). The double checks the CLI's side of the credit rules and of each kind's
 * frames, and collects every breach in {@link #problems}.
 */
public final class TestExecLabd implements AutoCloseable {
    /** What the remote side does on one stream; runs on its own thread. */
    public interface Script {
        void run(Peer peer) throws Exception;
    }

    /** One WebSocket upgrade request as the double saw it. */
    public record Upgrade(String path, String server, String session) {}

    public static final String EXEC = "/ws/exec";
    public static final String LOGS = "/ws/logs";

    private static final long WAIT_MILLIS = 10_000;

    private final Server jetty;
    private final ServerConnector connector;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Map<String, byte[]> refusalBodies = new ConcurrentHashMap<>();
    private final Map<String, Integer> refusalStatus = new ConcurrentHashMap<>();
    private volatile byte[] serverList = "[]".getBytes(StandardCharsets.UTF_8);
    public final List<Upgrade> upgrades = new CopyOnWriteArrayList<>();
    public final List<String> restQueries = new CopyOnWriteArrayList<>();
    public final List<Peer> peers = new CopyOnWriteArrayList<>();
    /** Breaches of the protocol by the CLI, and scripts that failed. Tests assert it stays empty. */
    public final List<String> problems = new CopyOnWriteArrayList<>();

    public TestExecLabd(TestPki pki) throws Exception {
        jetty = new Server();
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setSslContext(pki.serverContext());
        tls.setNeedClientAuth(true);
        connector = new ServerConnector(jetty, tls);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(jetty, container -> {
            container.setMaxBinaryMessageSize(Frame.MAX_FRAME);
            for (String path : List.of(EXEC, LOGS)) {
                container.addMapping(path, (rq, rs, cb) -> {
                    String server = Request.extractQueryParameters(rq).getValue("server");
                    upgrades.add(new Upgrade(path, server, rq.getHeaders().get(Api.SESSION_HEADER)));
                    Integer status = server == null ? null : refusalStatus.get(server);
                    Script script = server == null ? null : scripts.get(server);
                    if (status == null && script == null) {
                        status = 404;
                        refusalBodies.put("?", json(new ApiError("not-found", "server '" + server + "' does not exist", "t")));
                    }
                    if (status != null) {
                        rs.setStatus(status);
                        rs.getHeaders().put("Content-Type", "application/json");
                        rs.write(true, ByteBuffer.wrap(refusalBodies.getOrDefault(server, refusalBodies.get("?"))), cb);
                        return null;
                    }
                    Peer peer = new Peer(path, server, script);
                    peers.add(peer);
                    return peer.endpoint;
                });
            }
        });
        ws.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request rq, Response rs, Callback cb) {
                restQueries.add(rq.getMethod() + " " + rq.getHttpURI().getPath()
                        + (rq.getHttpURI().getQuery() == null ? "" : "?" + rq.getHttpURI().getQuery()));
                boolean list = "GET".equals(rq.getMethod()) && Api.SERVERS.equals(rq.getHttpURI().getPath());
                rs.setStatus(list ? 200 : 404);
                rs.getHeaders().put("Content-Type", "application/json");
                rs.write(true, ByteBuffer.wrap(list ? serverList
                        : json(new ApiError("not-found", "no route in the test double", "t"))), cb);
                return true;
            }
        });
        jetty.setHandler(ws);
        jetty.start();
    }

    public String url() {
        return "https://127.0.0.1:" + connector.getLocalPort();
    }

    /** Servers for GET /api/v1/servers (whatever the selector: labd's filtering is not under test). */
    public TestExecLabd servers(List<ServerInfo> servers) {
        serverList = json(servers);
        return this;
    }

    /** Accepts exec and logs streams for this server and runs the script on each. */
    public TestExecLabd agent(String server, Script script) {
        scripts.put(server, script);
        return this;
    }

    /** Refuses the WebSocket upgrade for this server with an HTTP error and an ApiError body (null: no body). */
    public TestExecLabd refuse(String server, int status, ApiError error) {
        refusalStatus.put(server, status);
        refusalBodies.put(server, error == null ? new byte[0] : json(error));
        return this;
    }

    public Peer peer(String server) {
        return peers.stream().filter(p -> p.server.equals(server)).findFirst()
                .orElseThrow(() -> new AssertionError("no stream for " + server + "; upgrades: " + upgrades));
    }

    private static byte[] json(Object o) {
        try {
            return Json.json().writeValueAsBytes(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }

    /** The remote end of one stream: labd and the agent in one, driven by a {@link Script}. */
    public final class Peer {
        /** {@link #EXEC} or {@link #LOGS}. */
        public final String path;
        public final String server;
        private final Script script;
        private final Object sendLock = new Object();
        private volatile Session session;
        /** Every frame the CLI sent, in order. */
        public final List<Frame> received = new CopyOnWriteArrayList<>();
        public final List<int[]> resizes = new CopyOnWriteArrayList<>();
        public final List<StreamError> errors = new CopyOnWriteArrayList<>();
        private StreamOpen open;
        private long outputCredit;
        /** The log's DEFLATE stream once {@link #logDeflated} was used, and its payloads not sent yet. */
        private StreamCompressor compressor;
        private final List<byte[]> compressed = new ArrayList<>();
        private long stdinGranted;
        private long stdinReceived;
        private final ByteArrayOutputStream stdin = new ByteArrayOutputStream();
        private boolean stdinClosed;
        private boolean socketClosed;
        public volatile Integer closeStatus;

        final Endpoint endpoint = new Endpoint();

        /** Jetty's side of the socket; public because Jetty looks its methods up with a public lookup. */
        public final class Endpoint implements Session.Listener.AutoDemanding {
            @Override
            public void onWebSocketOpen(Session s) {
                session = s;
                Thread t = new Thread(() -> {
                    try {
                        script.run(Peer.this);
                    } catch (Throwable e) {
                        problems.add("script for " + server + " failed: " + e);
                    }
                }, "exec-double-" + server);
                t.setDaemon(true);
                t.start();
            }

            @Override
            public void onWebSocketBinary(ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback callback) {
                try {
                    receive(Frame.decode(payload));
                } catch (Exception e) {
                    problems.add(server + ": undecodable frame from the CLI: " + e);
                }
                callback.succeed();
            }

            @Override
            public void onWebSocketClose(int status, String reason, org.eclipse.jetty.websocket.api.Callback callback) {
                synchronized (Peer.this) {
                    closeStatus = status;
                    socketClosed = true;
                    Peer.this.notifyAll();
                }
                callback.succeed();
            }
        }

        Peer(String path, String server, Script script) {
            this.path = path;
            this.server = server;
            this.script = script;
        }

        private synchronized void receive(Frame f) throws Exception {
            received.add(f);
            if (f.stream() != 1) {
                problems.add(server + ": frame on stream " + f.stream());
            }
            if (open == null && f.type() != FrameType.OPEN) {
                problems.add(server + ": " + f.type() + " before OPEN");
            }
            switch (f.type()) {
                case OPEN -> {
                    open = f.body(StreamOpen.class);
                    outputCredit = open.credit();
                    String kind = LOGS.equals(path) ? LogsRequest.KIND : ExecRequest.KIND;
                    if (!kind.equals(open.kind())) {
                        problems.add(server + ": OPEN of kind " + open.kind() + " on " + path);
                    }
                    if (LOGS.equals(path) && open.params() != null && open.params().containsKey("allow")) {
                        problems.add(server + ": the CLI sent 'allow', which only labd sets");
                    }
                }
                case CREDIT -> outputCredit += ByteBuffer.wrap(f.payload()).getInt();
                case DATA -> {
                    byte[] p = f.payload();
                    if (LOGS.equals(path)) {
                        problems.add(server + ": DATA from the CLI on a logs stream");
                    } else if (p[0] == ExecRequest.STDIN) {
                        stdinReceived += p.length - 1;
                        if (stdinReceived > stdinGranted) {
                            problems.add(server + ": received " + stdinReceived + " stdin bytes with only "
                                    + stdinGranted + " granted");
                        }
                        if (stdinClosed) {
                            problems.add(server + ": stdin after CLOSE");
                        }
                        stdin.write(p, 1, p.length - 1);
                    } else if (p[0] == ExecRequest.RESIZE) {
                        ByteBuffer b = ByteBuffer.wrap(p, 1, 4);
                        resizes.add(new int[] {b.getShort(), b.getShort()});
                    } else {
                        problems.add(server + ": DATA with tag " + p[0]);
                    }
                }
                case CLOSE -> stdinClosed = true;
                case ERROR -> errors.add(f.body(StreamError.class));
                default -> problems.add(server + ": unexpected " + f.type());
            }
            notifyAll();
        }

        /** The OPEN frame's request, once it arrived. */
        public synchronized ExecRequest request() throws InterruptedException {
            await(() -> open != null, "OPEN");
            return ExecRequest.fromParams(open.params());
        }

        /** The OPEN frame's logs request, once it arrived. */
        public synchronized LogsRequest logsRequest() throws InterruptedException {
            await(() -> open != null, "OPEN");
            return LogsRequest.fromParams(open.params());
        }

        public synchronized StreamOpen open() throws InterruptedException {
            await(() -> open != null, "OPEN");
            return open;
        }

        /** Tells the CLI it may send n more stdin bytes. */
        public void grantStdin(int n) throws Exception {
            synchronized (this) {
                stdinGranted += n;
            }
            send(new Frame(FrameType.CREDIT, 1, ByteBuffer.allocate(4).putInt(n).array()));
        }

        /** Reads stdin to its end, granting {@code step} more bytes whenever the CLI has used up its credit. */
        public byte[] readStdin(int step) throws Exception {
            while (true) {
                synchronized (this) {
                    await(() -> stdinClosed || stdinReceived == stdinGranted, "stdin");
                    if (stdinClosed) {
                        return stdin.toByteArray();
                    }
                }
                grantStdin(step);
            }
        }

        /** The stdin bytes received so far. */
        public synchronized byte[] stdinBytes() {
            return stdin.toByteArray();
        }

        public synchronized long stdinReceived() {
            return stdinReceived;
        }

        public synchronized boolean stdinClosed() {
            return stdinClosed;
        }

        public void stdout(String text) throws Exception {
            output(ExecRequest.STDOUT, text.getBytes(StandardCharsets.UTF_8));
        }

        public void stderr(String text) throws Exception {
            output(ExecRequest.STDERR, text.getBytes(StandardCharsets.UTF_8));
        }

        /** Sends exec output within the CLI's credit, waiting for CREDIT as needed. */
        public void output(byte tag, byte[] bytes) throws Exception {
            data(FrameType.DATA, tag, bytes);
        }

        /** Sends log bytes, untagged, within the CLI's credit. */
        public void log(byte[] bytes) throws Exception {
            data(FrameType.DATA, null, bytes);
        }

        public void log(String text) throws Exception {
            log(text.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Sends log bytes as an agent that was asked for compression does: one DEFLATE stream across the calls, in
         * DEFLATED frames, within the CLI's credit for the compressed bytes. Returns the compressed bytes sent.
         */
        public long logDeflated(byte[] bytes) throws Exception {
            if (compressor == null) {
                compressor = new StreamCompressor((b, off, len) -> compressed.add(Arrays.copyOfRange(b, off, off + len)));
            }
            compressor.write(bytes, 0, bytes.length);
            compressor.flush();
            long sent = 0;
            for (byte[] p : compressed) {
                data(FrameType.DEFLATED, null, p);  // a split payload still decodes: one DEFLATE stream
                sent += p.length;
            }
            compressed.clear();
            return sent;
        }

        /** Whether the CLI closed the socket. */
        public synchronized boolean socketClosed() {
            return socketClosed;
        }

        private void data(FrameType type, Byte tag, byte[] bytes) throws Exception {
            int off = 0;
            while (off < bytes.length) {
                int n;
                synchronized (this) {
                    await(() -> outputCredit > 0 || socketClosed, "output credit");
                    if (socketClosed) {
                        throw new IllegalStateException("the CLI closed the socket");
                    }
                    n = (int) Math.min(Math.min(bytes.length - off, outputCredit), Frame.MAX_PAYLOAD - 1);
                    outputCredit -= n;
                }
                byte[] payload = tag == null ? Arrays.copyOfRange(bytes, off, off + n)
                        : ExecRequest.tagged(tag, bytes, off, n);
                send(new Frame(type, 1, payload));
                off += n;
            }
        }

        public void exit(int code) throws Exception {
            if (compressor != null) {
                compressor.close();
            }
            send(Frame.json(FrameType.CLOSE, 1, new StreamClose(code)));
        }

        public void error(String code, String message) throws Exception {
            send(Frame.json(FrameType.ERROR, 1, new StreamError(code, message)));
        }

        /** Cuts the connection without a WebSocket close, as a crashed labd or a broken network would. */
        public void drop() {
            session.disconnect();
        }

        /** Waits for an ERROR frame from the CLI; its code, or null if none came. */
        public String awaitError(long millis) throws InterruptedException {
            long until = System.currentTimeMillis() + millis;
            synchronized (this) {
                while (errors.isEmpty() && System.currentTimeMillis() < until) {
                    wait(Math.max(1, until - System.currentTimeMillis()));
                }
                return errors.isEmpty() ? null : errors.get(0).code();
            }
        }

        public synchronized boolean awaitSocketClosed(long millis) throws InterruptedException {
            long until = System.currentTimeMillis() + millis;
            while (!socketClosed && System.currentTimeMillis() < until) {
                wait(Math.max(1, until - System.currentTimeMillis()));
            }
            return socketClosed;
        }

        public void send(Frame f) throws Exception {
            synchronized (sendLock) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                session.sendBinary(f.encode(), org.eclipse.jetty.websocket.api.Callback.from(
                        () -> done.complete(null), done::completeExceptionally));
                done.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
        }

        private void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
            long until = System.currentTimeMillis() + WAIT_MILLIS;
            while (!condition.getAsBoolean()) {
                long left = until - System.currentTimeMillis();
                if (left <= 0) {
                    throw new AssertionError(server + ": timed out waiting for " + what);
                }
                wait(left);
            }
        }

        /** Frames of one type the CLI sent. */
        public List<Frame> received(FrameType type) {
            List<Frame> out = new ArrayList<>();
            for (Frame f : received) {
                if (f.type() == type) {
                    out.add(f);
                }
            }
            return out;
        }
    }
}
