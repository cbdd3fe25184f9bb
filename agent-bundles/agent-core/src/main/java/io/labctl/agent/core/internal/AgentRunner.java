package io.labctl.agent.core.internal;

import io.labctl.agent.api.LabdRequests;
import io.labctl.agent.api.StreamHandler;
import io.labctl.protocol.HostFacts;
import io.labctl.protocol.TlsSuites;
import io.labctl.protocol.channel.CloseCodes;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.Heartbeat;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's life on one thread: enrol if there is no identity, renew when due, connect, heartbeat, and
 * reconnect with backoff after every end, until stopped or until labd refuses the agent for good.
 */
final class AgentRunner implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger("io.labctl.agent");
    /** A connection that lived this long was healthy: the next outage starts the backoff from the bottom. */
    static final Duration HEALTHY_CONNECTION = Duration.ofSeconds(30);
    static final Duration RENEWAL_CHECK = Duration.ofHours(1);
    private volatile ScheduledFuture<?> renewals;
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);

    private final AgentSettings settings;
    private final HandlerRegistry handlers;
    private final HostFactsCollector facts;
    private final Executor ioThreads;
    private final Executor streamThreads;
    private final ScheduledExecutorService timer;
    private final IdentityStore store;
    private final Backoff backoff;
    private final ConnectionStateLog stateLog = new ConnectionStateLog(LOG);
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final long startedNanos = System.nanoTime();

    private volatile AgentSession session;
    private volatile boolean reconnectAtOnce;
    private HttpClient client;
    private Identity clientIdentity;

    AgentRunner(AgentSettings settings, HandlerRegistry handlers, HostFactsCollector facts, Executor ioThreads,
                Executor streamThreads, ScheduledExecutorService timer) {
        this.settings = settings;
        this.handlers = handlers;
        this.facts = facts;
        this.ioThreads = ioThreads;
        this.streamThreads = streamThreads;
        this.timer = timer;
        this.store = new IdentityStore(settings.identityDir());
        this.backoff = new Backoff(settings.reconnectMinMillis(), settings.reconnectMaxMillis(), new SplittableRandom());
    }

    @Override
    public void run() {
        scheduleRenewalCheck();
        try {
            while (!stopped()) {
                Identity identity = identityOrEnrol();
                if (identity == null) {
                    return;
                }
                if (identity == NOT_YET) {
                    continue;
                }
                identity = renewIfDue(identity);
                connectOnce(identity);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ScheduledFuture<?> next = renewals;
            if (next != null) {
                next.cancel(false);
            }
        }
    }

    /**
     * The next renewal check: at the certificate's due time (a third of its life left) or within the hour, whichever
     * comes first; after a failed renewal, again after a tenth of the remaining validity (at least a second).
     * Planned anew whenever the certificate changes.
     */
    private synchronized void scheduleRenewalCheck() {
        ScheduledFuture<?> previous = renewals;
        if (previous != null) {
            previous.cancel(false);
        }
        if (stopped()) {
            return;
        }
        Duration wait = RENEWAL_CHECK;
        try {
            Identity identity = store.load();
            if (identity != null) {
                Instant now = Instant.now();
                Duration untilDue = Duration.between(now, RenewalPolicy.dueAt(identity.certificate()));
                Duration retry = Duration.between(now, identity.certificate().getNotAfter().toInstant()).dividedBy(10);
                Duration next = untilDue.isNegative() ? retry : untilDue;
                wait = next.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : next.compareTo(wait) < 0 ? next : wait;
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read the identity to plan the next renewal check: {}", e.getMessage());
        }
        renewals = timer.schedule(() -> {
            renewIfDueQuietly();
            scheduleRenewalCheck();
        }, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Marker: enrolment should be tried again after the backoff. */
    private static final Identity NOT_YET = new Identity(null, null, null);

    /** The stored identity; or a new one from enrolment; NOT_YET to retry; null to give up. */
    private Identity identityOrEnrol() throws InterruptedException {
        Identity identity;
        try {
            identity = store.load();
        } catch (IOException e) {
            LOG.error("cannot use this agent's identity: {}. Not retrying until the configuration changes", e.getMessage());
            return null;
        }
        if (identity != null) {
            return identity;
        }
        LOG.info("no identity in {}: enrolling with labd at {} as '{}'", store.dir(), settings.server(), settings.name());
        try {
            Identity enrolled = LabdClient.enrol(settings, ioThreads);
            store.store(enrolled.key(), enrolled.certificate(), enrolled.ca());
            scheduleRenewalCheck();
            backoff.reset();
            LOG.info("enrolled with labd as '{}'; certificate valid until {}", enrolled.name(),
                    enrolled.certificate().getNotAfter().toInstant());
            return enrolled;
        } catch (LabdClient.Refused e) {
            LOG.error("enrolment failed: {}. Not retrying until the configuration changes", e.getMessage());
            return null;
        } catch (LabdClient.Unavailable e) {
            long delay = backoff.nextDelayMillis();
            stateLog.attemptFailed("enrolment: " + e.getMessage(), delay);
            pause(delay);
            return NOT_YET;
        } catch (IOException e) {
            LOG.error("enrolled, but cannot store the identity in {}: {}. Not retrying until the configuration changes",
                    store.dir(), e.getMessage());
            return null;
        }
    }

    private void connectOnce(Identity identity) throws InterruptedException {
        Instant expires = identity.certificate().getNotAfter().toInstant();
        if (Instant.now().isAfter(expires)) {
            backoff.slowest();
            long delay = backoff.nextDelayMillis();
            stateLog.attemptFailed("this agent's certificate expired at " + expires + "; labd will refuse it."
                    + " Remove " + store.dir() + " and enrol again with a new join token", delay);
            pause(delay);
            return;
        }
        AgentSession attempt = new AgentSession(handlers, streamThreads);
        try {
            clientFor(identity).newWebSocketBuilder().connectTimeout(LabdClient.CONNECT_TIMEOUT)
                    .buildAsync(settings.agentSocket(), attempt)
                    .get(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            attempt.abort("connection attempt failed");
            long delay = backoff.nextDelayMillis();
            stateLog.attemptFailed("cannot connect to labd at " + settings.agentSocket() + ": " + Failures.describe(e), delay);
            pause(delay);
            return;
        }
        long connectedNanos = System.nanoTime();
        session = attempt;
        if (stopped()) {
            attempt.close(AgentSession.NORMAL, "agent stopping");
        }
        stateLog.connected("connected to labd at " + settings.server() + " as '" + identity.name() + "'");
        HeartbeatTask heartbeat = new HeartbeatTask(attempt, facts.collect());
        attempt.send(Frame.json(FrameType.HELLO, 0, heartbeat.lastSentFacts));
        long periodMillis = settings.heartbeat().toMillis();
        ScheduledFuture<?> beats = timer.scheduleAtFixedRate(heartbeat, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        AgentSession.Ended how;
        try {
            how = attempt.ended().get();
        } catch (ExecutionException e) {
            how = new AgentSession.Ended(AgentSession.NO_CODE, Failures.describe(e));
        } catch (InterruptedException e) {
            attempt.close(AgentSession.NORMAL, "agent stopping");
            throw e;
        } finally {
            beats.cancel(false);
            session = null;
        }
        if (stopped()) {
            return;
        }
        if (System.nanoTime() - connectedNanos >= HEALTHY_CONNECTION.toNanos()) {
            backoff.reset();
        }
        if (reconnectAtOnce) {
            reconnectAtOnce = false;
            LOG.info("reconnecting to labd with the renewed certificate");
            return;
        }
        if (how.code() == CloseCodes.REPLACED) {
            // labd took a newer connection of ours for this one (it missed a liveness probe): nothing was refused,
            // so come back after the shortest delay rather than wherever the backoff had got to
            backoff.reset();
            long delay = backoff.nextDelayMillis();
            stateLog.disconnected("disconnected from labd: " + describe(how));
            pause(delay);
            return;
        }
        if (how.code() == AgentSession.POLICY_VIOLATION) {
            // labd refused us on policy (a revoked certificate): keep knocking, but slowly
            backoff.slowest();
            long delay = backoff.nextDelayMillis();
            stateLog.disconnectedWithoutLog();
            LOG.warn("labd closed the connection on policy grounds: {} (was this agent's certificate revoked?);"
                    + " retrying slowly, about every {} ms", how.reason(), settings.reconnectMaxMillis());
            pause(delay);
            return;
        }
        long delay = backoff.nextDelayMillis();
        stateLog.disconnected("disconnected from labd: " + describe(how));
        pause(delay);
    }

    private static String describe(AgentSession.Ended how) {
        if (how.code() == AgentSession.NO_CODE) {
            return how.reason();
        }
        return "close code " + how.code() + (how.reason().isBlank() ? "" : " (" + how.reason() + ")");
    }

    /** A REST call to labd with this agent's identity (see {@link LabdRequests}). */
    LabdRequests.Response post(String path, byte[] json) throws IOException, InterruptedException {
        Identity identity = store.load();
        if (identity == null) {
            throw new IOException("this agent has not enrolled with labd yet");
        }
        HttpRequest request = HttpRequest.newBuilder(settings.server().resolve(path))
                .timeout(LabdClient.REQUEST_TIMEOUT).header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build();
        HttpResponse<byte[]> response = clientFor(identity).send(request,
                HttpResponse.BodyHandlers.ofByteArray());
        return new LabdRequests.Response(response.statusCode(), response.body());
    }

    /** Largest error body read from a failed download: labd's error shape is far smaller. */
    static final long ERROR_BODY_LIMIT = 64 * 1024;

    /**
     * A GET with this agent's identity whose body goes to a file, bounded in size and time (see
     * {@link LabdRequests#download}). The body is written next to the target and moved into place only when complete.
     */
    LabdRequests.Download download(String path, Path target, long maxBytes) throws IOException, InterruptedException {
        Identity identity = store.load();
        if (identity == null) {
            throw new IOException("this agent has not enrolled with labd yet");
        }
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        HttpRequest request = HttpRequest.newBuilder(settings.server().resolve(path))
                .timeout(LabdClient.REQUEST_TIMEOUT).GET().build();
        CompletableFuture<HttpResponse<Long>> exchange = clientFor(identity).sendAsync(request, info ->
                new BoundedFileBody(partial, info.statusCode() / 100 == 2 ? maxBytes : ERROR_BODY_LIMIT,
                        info.headers().firstValueAsLong("Content-Length").orElse(-1)));
        HttpResponse<Long> response;
        try {
            response = exchange.get(LabdRequests.DOWNLOAD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            Files.deleteIfExists(partial);
            throw new IOException(path + " did not arrive within " + LabdRequests.DOWNLOAD_TIMEOUT_SECONDS + " s");
        } catch (ExecutionException e) {
            Files.deleteIfExists(partial);
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(Failures.describe(e), cause);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Files.deleteIfExists(partial);
            throw e;
        }
        if (response.statusCode() / 100 != 2) {
            byte[] errorBody = Files.readAllBytes(partial);
            Files.deleteIfExists(partial);
            return new LabdRequests.Download(response.statusCode(), null, null, LabdClient.errorMessage(errorBody));
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new LabdRequests.Download(response.statusCode(), target,
                response.headers().firstValue(LabdRequests.SHA256_HEADER).orElse(null), null);
    }

    String serverName() {
        return settings.name();
    }

    /** One HTTP client per identity: reusing it lets reconnects resume the TLS session (cheaper for labd). */
    private synchronized HttpClient clientFor(Identity identity) {
        if (client == null || !clientIdentity.certificate().equals(identity.certificate())) {
            SSLContext tls = TlsContexts.mutual(identity);
            // bin/lab-agent runs C1 only (its memory and start-up): ChaCha20-Poly1305 costs it a fifth of AES-GCM
            SSLParameters params = tls.getDefaultSSLParameters();
            params.setCipherSuites(TlsSuites.CHACHA20_FIRST.toArray(new String[0]));
            client = HttpClient.newBuilder().sslContext(tls).sslParameters(params)
                    .connectTimeout(LabdClient.CONNECT_TIMEOUT).executor(ioThreads).build();
            clientIdentity = identity;
        }
        return client;
    }

    private void renewIfDueQuietly() {
        try {
            Identity identity = store.load();
            if (identity != null && renewIfDue(identity) != identity) {
                AgentSession live = session;
                if (live != null) {
                    reconnectAtOnce = true;
                    live.close(AgentSession.NORMAL, "reconnecting with a renewed certificate");
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("certificate renewal check failed: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Renews when a third or less of the lifetime is left; returns the identity to use now. */
    private synchronized Identity renewIfDue(Identity identity) throws InterruptedException {
        Instant now = Instant.now();
        if (!RenewalPolicy.isDue(identity.certificate(), now)
                || now.isAfter(identity.certificate().getNotAfter().toInstant())) {
            return identity;
        }
        try {
            Identity renewed = LabdClient.renew(settings, identity, clientFor(identity));
            store.store(renewed.key(), renewed.certificate(), renewed.ca());
            scheduleRenewalCheck();
            LOG.info("renewed this agent's certificate; valid until {}", renewed.certificate().getNotAfter().toInstant());
            return renewed;
        } catch (LabdClient.Refused | LabdClient.Unavailable e) {
            LOG.warn("certificate renewal failed (certificate valid until {}; will try again): {}",
                    identity.certificate().getNotAfter().toInstant(), e.getMessage());
        } catch (IOException e) {
            LOG.warn("cannot store the renewed certificate in {}: {}", store.dir(), e.getMessage());
        }
        return identity;
    }

    /** A handler left: fail only its streams; the connection stays up. */
    /** The streams open on that handler on the live connection (0 when there is none). */
    int openStreams(StreamHandler handler) {
        AgentSession live = session;
        return live == null ? 0 : live.dispatcher().openStreams(handler);
    }

    /** Whether the connection to labd is up. */
    boolean connected() {
        return session != null;
    }

    /** Asks that handler's open streams to hand themselves over; how many will. */
    int handOver(StreamHandler handler) {
        AgentSession live = session;
        return live == null ? 0 : live.dispatcher().handOver(handler);
    }

    void handlerRemoved(StreamHandler handler) {
        AgentSession live = session;
        if (live != null) {
            live.dispatcher().handlerRemoved(handler);
        }
    }

    void stop() {
        stopping.countDown();
        AgentSession live = session;
        if (live != null) {
            try {
                live.dispatcher().handOverAll();  // a logs follow goes on when the agent is back
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            live.close(AgentSession.NORMAL, "agent stopping");
        }
    }

    private boolean stopped() {
        return stopping.getCount() == 0;
    }

    private void pause(long millis) throws InterruptedException {
        stopping.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Sends heartbeats on one session, with facts only when they changed; cuts a session labd stopped answering. */
    private final class HeartbeatTask implements Runnable {
        private final AgentSession on;
        private long sequence;
        private HostFacts lastSentFacts;
        private final long silenceLimitNanos = Math.max(settings.heartbeat().multipliedBy(4).toNanos(),
                Duration.ofSeconds(20).toNanos());

        HeartbeatTask(AgentSession on, HostFacts hello) {
            this.on = on;
            this.lastSentFacts = hello;
        }

        @Override
        public void run() {
            try {
                if (on.silentNanos() > silenceLimitNanos) {
                    on.abort("labd has not answered for " + TimeUnit.NANOSECONDS.toSeconds(on.silentNanos()) + " s");
                    return;
                }
                HostFacts now = facts.collect();
                HostFacts changed = now.equals(lastSentFacts) ? null : now;
                lastSentFacts = now;
                on.send(Frame.json(FrameType.HEARTBEAT, 0, new Heartbeat(++sequence, uptimeMillis(), changed)));
                on.ping(); // labd's pong proves the path is alive in both directions
            } catch (RuntimeException e) {
                LOG.warn("heartbeat failed: {}", e.toString());
            }
        }
    }

    private long uptimeMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }
}
