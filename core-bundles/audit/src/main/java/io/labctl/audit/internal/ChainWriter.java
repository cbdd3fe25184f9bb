package io.labctl.audit.internal;

import io.labctl.api.ApiException;
import io.labctl.api.audit.AuditWriter;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.persistence.Sessions;
import io.labctl.protocol.access.AuditEntry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.apache.ibatis.session.SqlSession;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log in audit_log: one hash chain per labd instance, appended under an in-process lock that is held
 * from computing a row until its transaction has committed, so the in-memory head (seq, hash) always names the
 * last committed row. State changes append their row in their own transaction; single rows go through one writer
 * thread that commits them in batches. Every failure to write refuses the action (503). Also registered as itself,
 * for the verifier, which needs this labd's chain head.
 */
@Component(service = {AuditWriter.class, ChainWriter.class}, configurationPid = "io.labctl.audit")
@Designate(ocd = AuditConfig.class)
public class ChainWriter implements AuditWriter {
    private static final Logger LOG = LoggerFactory.getLogger(ChainWriter.class);
    static final int MAX_NAME = 253;
    static final int MAX_ACTION = 64;
    /** The spec allows 253, but audit_log.session_id is VARCHAR(64): longer ids would fail every insert. */
    static final int MAX_SESSION = 64;
    static final int MAX_RESOURCE = 1024;
    static final int MAX_ERROR = 2000;
    /** 15 parameters a row: 2000 rows stay well below PostgreSQL's 32767 bind parameters per statement. */
    static final int MAX_BATCH = 2000;
    private static final Set<String> RESULTS = Set.of(AuditEntry.OK, AuditEntry.DENIED, AuditEntry.FAILED);

    private final Database database;
    private final Sessions sessions;
    private final String instance;
    private final int batchSize;
    private final int queueCapacity;
    private final long writeTimeoutMs;
    private final boolean flushStandaloneRows;
    private final BlockingQueue<Pending> queue;
    private final Thread writer;
    private final RefusalLog refusals;
    private final ThreadLocal<Txn> current = new ThreadLocal<>();
    /** Held by the transaction that is appending, from computing its rows until it has committed or failed. */
    final ReentrantLock lock = new ReentrantLock();
    /** Last committed row of this chain; written under the lock, read without it by verify. */
    private volatile Head head;
    /** After a failed append the database may hold more than head says (a commit whose answer was lost). */
    private boolean stale;
    private volatile boolean closed;

    record Head(long seq, String hash) {
        static final Head EMPTY = new Head(0, "");
    }

    /** A row's content before the chain gives it seq, time and hash. */
    record Draft(String user, String sessionId, String source, String action, String resource, String result,
                 Long durationMs, String error, Detail detail) {
        Draft outcome(String newResult, Long newDurationMs, String newError) {
            return new Draft(user, sessionId, source, action, resource, newResult, newDurationMs,
                    clip(newError, MAX_ERROR), detail);
        }
    }

    /** One attempt-spanning database transaction that appends rows. */
    private static final class Txn {
        final List<Draft> deferred = new ArrayList<>();
        boolean locked;
        Head pending;
    }

    private static final class Pending {
        final Draft draft;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        /** Set by the writer when it takes the row, or by a caller who stopped waiting: exactly one wins. */
        final AtomicBoolean taken = new AtomicBoolean();

        Pending(Draft draft) {
            this.draft = draft;
        }
    }

    /** work threw: its transaction rolled back. */
    private static final class WorkFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final long durationMs;

        WorkFailed(Throwable cause, long durationMs) {
            super(cause);
            this.durationMs = durationMs;
        }
    }

    /** The row could not be appended: the transaction, and with it the change, rolled back. */
    private static final class WriteFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WriteFailed(Throwable cause) {
            super(cause);
        }
    }

    @Activate
    public ChainWriter(@Reference Database database,
            // present once the audit schema is current: the component waits for its migrations
            @Reference(target = "(labctl.schema=audit)") Schema schema, AuditConfig config) {
        this.database = database;
        this.sessions = database.sessions(AuditMapper.class);
        this.instance = config.instance() == null || config.instance().isBlank() ? defaultInstance()
                : config.instance().strip();
        if (instance.length() > MAX_NAME || !instance.equals(storable(instance))) {
            throw new IllegalArgumentException("audit instance name '" + instance + "' must be at most " + MAX_NAME
                    + " plain characters");
        }
        this.batchSize = Math.max(1, Math.min(MAX_BATCH, config.batchSize()));
        this.queueCapacity = Math.max(1, config.queueCapacity());
        this.writeTimeoutMs = TimeUnit.SECONDS.toMillis(Math.max(1, config.writeTimeoutSeconds()));
        this.flushStandaloneRows = config.flushStandaloneRows();
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        AuditRow last = sessions.mapper(AuditMapper.class, m -> m.last(instance));
        this.head = last == null ? Head.EMPTY : new Head(last.seq, last.hash);
        this.writer = new Thread(this::runWriter, "labd-audit-writer");
        writer.setDaemon(true);
        writer.start();
        this.refusals = new RefusalLog((event, reason) -> record(event, AuditEntry.DENIED, 0L, reason), System::nanoTime,
                config.refusalRowsPerMinute(), config.refusalWindowSeconds());
        LOG.info("audit chain '{}' continues after row {}", instance, head.seq());
    }

    @Deactivate
    void deactivate() {
        refusals.close(); // its last rows still go through the writer below
        closed = true;
        try {
            writer.join(writeTimeoutMs + 2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            writer.interrupt();
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        IllegalStateException stopping = new IllegalStateException("labd is stopping");
        for (Pending p : left) {
            p.done.completeExceptionally(stopping);
        }
    }

    String instance() {
        return instance;
    }

    Head head() {
        return head;
    }

    int waiting() {
        return queue.size();
    }

    // ---- writing

    @Override
    public <T> T change(Event event, Callable<T> work) throws Exception {
        Objects.requireNonNull(work, "work");
        Draft planned = draft(event, AuditEntry.OK, null, null);
        Txn outer = current.get();
        if (outer != null) {
            return nested(outer, planned, work);
        }
        requireOwnTransaction();
        long[] workMs = {0};
        try {
            return inTransaction(txn -> {
                long start = System.nanoTime();
                T result;
                try {
                    result = work.call();
                } catch (Exception | Error e) {
                    throw new WorkFailed(e, millisSince(start));
                }
                workMs[0] = millisSince(start);
                List<Draft> rows = new ArrayList<>(txn.deferred);
                rows.add(planned.outcome(AuditEntry.OK, workMs[0], null));
                try {
                    append(txn, rows);
                } catch (RuntimeException e) {
                    throw new WriteFailed(e);
                }
                return result;
            });
        } catch (WorkFailed f) {
            Throwable cause = f.getCause();
            try {
                enqueueAndWait(planned.outcome(resultOf(cause), f.durationMs, errorOf(cause)));
            } catch (RuntimeException audit) {
                // the action failed anyway; its caller learns why, the log learns that the row is missing
                LOG.error("audit row for failed {} could not be written", planned.action(), audit);
                cause.addSuppressed(audit);
            }
            throw rethrow(cause);
        } catch (WriteFailed f) {
            LOG.error("audit row for {} could not be written; the change was rolled back", planned.action(), f.getCause());
            throw unavailable(f.getCause());
        } catch (RuntimeException | Error e) {
            // the transaction itself failed (connection, commit): neither the change nor its row was kept
            try {
                enqueueAndWait(planned.outcome(AuditEntry.FAILED, workMs[0], errorOf(e)));
            } catch (ApiException audit) {
                audit.addSuppressed(e);
                throw audit;
            }
            throw e;
        }
    }

    /** Inside another change: runs in its transaction, and its row is appended just before the outer one's. */
    private <T> T nested(Txn outer, Draft planned, Callable<T> work) throws Exception {
        long start = System.nanoTime();
        T result = work.call(); // a failure propagates to the outer change, whose row records it
        outer.deferred.add(planned.outcome(AuditEntry.OK, millisSince(start), null));
        return result;
    }

    /**
     * The lock and head must end with the commit of the transaction that wrote the row; joined to someone else's
     * transaction we would not see that commit (or its rollback), so refuse before anything runs.
     */
    private void requireOwnTransaction() {
        Connection probe = sessions.with(SqlSession::getConnection);
        boolean stillOpen;
        try {
            stillOpen = !probe.isClosed();
        } catch (SQLException e) {
            stillOpen = false;
        }
        if (stillOpen) {
            throw new IllegalStateException("AuditWriter.change must not run inside another database transaction: "
                    + "call it outermost and do the other work inside it");
        }
    }

    @Override
    public void refused(Event event, String reason) {
        refusals.refused(event, reason);
    }

    @Override
    public void record(Event event, String result, Long durationMs, String error) {
        enqueueAndWait(draft(event, result, durationMs, error));
    }

    @Override
    public void record(Event event, String result, Long durationMs, String error, String detail) {
        Draft d = draft(event, result, durationMs, error);
        enqueueAndWait(new Draft(d.user(), d.sessionId(), d.source(), d.action(), d.resource(), d.result(),
                d.durationMs(), d.error(), Detail.of(detail, MAX_DETAIL_BYTES)));
    }

    private void enqueueAndWait(Draft draft) {
        if (closed) {
            throw unavailable("labd is stopping");
        }
        Pending p = new Pending(draft);
        if (!queue.offer(p)) {
            throw unavailable(queueCapacity + " rows are already waiting for the database");
        }
        if (closed && queue.remove(p)) {
            throw unavailable("labd is stopping");
        }
        try {
            p.done.get(writeTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unavailable(e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // if the writer has not taken the row yet it never will; otherwise it may still commit it
            boolean withdrawn = p.taken.compareAndSet(false, true);
            throw unavailable((withdrawn ? "not written" : "not confirmed") + " within "
                    + writeTimeoutMs / 1000 + " s");
        }
    }

    /** Group commit: whatever queued up while the previous batch was committing goes into the next one. */
    private void runWriter() {
        List<Pending> batch = new ArrayList<>(batchSize);
        while (!closed) {
            Pending first;
            try {
                first = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue; // closed is checked by the loop
            }
            if (first == null) {
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, batchSize - 1);
            batch.removeIf(p -> !p.taken.compareAndSet(false, true));
            if (!batch.isEmpty()) {
                writeBatch(batch);
            }
            batch.clear();
        }
    }

    private void writeBatch(List<Pending> batch) {
        List<Draft> drafts = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            drafts.add(p.draft);
        }
        try {
            inTransaction(txn -> {
                if (!flushStandaloneRows) {
                    sessions.mapper(AuditMapper.class, m -> {
                        m.commitWithoutWaitingForFlush();
                        return null;
                    });
                }
                append(txn, drafts);
                return null;
            });
        } catch (RuntimeException | Error e) {
            LOG.error("{} audit rows could not be written", batch.size(), e);
            for (Pending p : batch) {
                p.done.completeExceptionally(e);
            }
            return;
        }
        for (Pending p : batch) {
            p.done.complete(null);
        }
    }

    /**
     * Runs body in one database transaction; the head advances and the lock is released only once it has
     * committed. The database retries the whole body on a serialization failure: a retried attempt first gives
     * up what the failed one held, so the work never runs under the lock.
     */
    private <T> T inTransaction(Function<Txn, T> body) {
        Txn txn = new Txn();
        current.set(txn);
        boolean committed = false;
        try {
            T result = database.transaction(() -> {
                release(txn, false);
                txn.deferred.clear();
                return body.apply(txn);
            });
            committed = true;
            return result;
        } finally {
            current.remove();
            release(txn, committed);
        }
    }

    private void release(Txn txn, boolean committed) {
        if (!txn.locked) {
            return;
        }
        if (committed) {
            head = txn.pending;
            stale = false;
        } else {
            stale = true;
        }
        txn.locked = false;
        txn.pending = null;
        lock.unlock();
    }

    /** Chains drafts after the transaction's head and inserts them; the first call takes the lock. */
    private void append(Txn txn, List<Draft> drafts) {
        if (!txn.locked) {
            try {
                if (!lock.tryLock(writeTimeoutMs, TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("earlier rows held the chain for more than " + writeTimeoutMs / 1000 + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the chain", e);
            }
            txn.locked = true;
            txn.pending = stale ? reload() : head;
        }
        Head h = txn.pending;
        List<AuditRow> rows = new ArrayList<>(drafts.size());
        for (Draft d : drafts) {
            AuditRow r = new AuditRow();
            r.instance = instance;
            r.seq = h.seq() + 1;
            r.at = Instant.now().truncatedTo(ChronoUnit.MICROS); // what PostgreSQL keeps, so the hash survives
            r.username = d.user();
            r.sessionId = d.sessionId();
            r.source = d.source();
            r.action = d.action();
            r.resource = d.resource();
            r.result = d.result();
            r.durationMs = d.durationMs();
            r.error = d.error();
            if (d.detail() != null) {
                r.detail = d.detail().text();
                r.detailSha256 = d.detail().sha256OfWhole();
            }
            r.prevHash = h.seq() == 0 ? null : h.hash();
            r.hash = ChainHash.of(h.hash(), r);
            rows.add(r);
            h = new Head(r.seq, r.hash);
        }
        sessions.mapper(AuditMapper.class, m -> m.insert(rows));
        txn.pending = h;
    }

    /**
     * Head from the database after a failed append. It may be ahead (a commit whose answer was lost), never
     * behind: rows this labd committed that are gone were deleted, and the chain keeps counting past them so the
     * gap stays visible.
     */
    private Head reload() {
        AuditRow last = sessions.mapper(AuditMapper.class, m -> m.last(instance));
        Head stored = last == null ? Head.EMPTY : new Head(last.seq, last.hash);
        Head known = head;
        if (stored.seq() < known.seq()) {
            LOG.error("audit chain '{}' ends at row {} in the database, but this labd committed up to row {}: rows "
                    + "were deleted", instance, stored.seq(), known.seq());
            return known;
        }
        head = stored;
        stale = false;
        return stored;
    }

    // ---- row content

    static Draft draft(Event event, String result, Long durationMs, String error) {
        Objects.requireNonNull(event, "event");
        String action = clip(event.action(), MAX_ACTION);
        if (action == null || action.isBlank()) {
            throw new IllegalArgumentException("an audit row needs an action");
        }
        if (result == null || !RESULTS.contains(result)) {
            throw new IllegalArgumentException("audit result must be ok, denied or failed, not '" + result + "'");
        }
        return new Draft(clip(event.user(), MAX_NAME), clip(event.sessionId(), MAX_SESSION),
                clip(event.source(), MAX_NAME), action, marked(clip(event.resource(), MAX_RESOURCE), event.resource()),
                result, durationMs, clip(error, MAX_ERROR), null);
    }

    /** A resource cut to fit its column ends in "…" so that no reader takes it for the whole. */
    static String marked(String clipped, String whole) {
        if (clipped == null || clipped.length() == storable(whole).length()) {
            return clipped;
        }
        int end = clipped.length() - 1;
        if (end > 0 && Character.isLowSurrogate(clipped.charAt(end))) {
            end--; // never split a pair
        }
        return clipped.substring(0, end) + "\u2026";
    }

    /** Cut to max UTF-16 units (so at most max characters, as VARCHAR counts), never inside a surrogate pair. */
    static String clip(String s, int max) {
        if (s == null) {
            return null;
        }
        String clean = storable(s);
        if (clean.length() <= max) {
            return clean;
        }
        int end = Character.isHighSurrogate(clean.charAt(max - 1)) ? max - 1 : max;
        return clean.substring(0, end);
    }

    /**
     * PostgreSQL cannot store NUL, and a lone surrogate cannot be encoded: either would make the stored text differ
     * from the hashed text (or fail the insert), so both become U+FFFD.
     */
    static String storable(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            boolean bad = c == '\0' || (!pair && Character.isSurrogate(c));
            if (bad && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                if (bad) {
                    out.append('\uFFFD');
                } else if (pair) {
                    out.append(c).append(s.charAt(i + 1));
                } else {
                    out.append(c);
                }
            }
            if (pair) {
                i++;
            }
        }
        return out == null ? s : out.toString();
    }

    static String resultOf(Throwable t) {
        return t instanceof ApiException api && (api.status() == 401 || api.status() == 403)
                ? AuditEntry.DENIED : AuditEntry.FAILED;
    }

    /** What a failure row says: the API message written for callers, else only the type (no internals). */
    static String errorOf(Throwable t) {
        return t instanceof ApiException api ? api.getMessage() : t.getClass().getName();
    }

    static ApiException unavailable(Throwable cause) {
        for (Throwable x = cause; x != null; x = x.getCause()) {
            if (x instanceof ApiException api && api.status() == 503) {
                // the database's own answer (it is unreachable): callers get the one message for that
                return new ApiException(api.status(), api.code(), api.getMessage());
            }
        }
        return unavailable(reason(cause));
    }

    static ApiException unavailable(String why) {
        return new ApiException(503, "audit-unavailable", "the audit log cannot be written (" + why
                + "); labd refuses actions it cannot record");
    }

    /** The database's own words if there are any (first line: details may quote row values), else the type. */
    private static String reason(Throwable t) {
        Throwable pick = t;
        for (Throwable x = t; x != null; x = x.getCause()) {
            if (x instanceof SQLException) {
                pick = x;
                break;
            }
            if (x.getCause() == null) {
                pick = x;
            }
        }
        String message = pick.getMessage();
        if (message == null || message.isBlank()) {
            return pick.getClass().getSimpleName();
        }
        String line = message.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static Exception rethrow(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return (Exception) t;
    }

    // ---- instance name

    /** Host name and a digest of this installation's data directory: unique per labd, stable across restarts. */
    static String defaultInstance() {
        String data = System.getProperty("karaf.data");
        if (data == null || data.isBlank()) {
            data = System.getProperty("user.dir");
        }
        String digest = ChainHash.sha256Hex(Path.of(data).toAbsolutePath().normalize().toString()).substring(0, 8);
        String host = storable(hostName());
        if (host.length() > MAX_NAME - 9) {
            host = host.substring(0, MAX_NAME - 9);
        }
        return host + "-" + digest;
    }

    private static String hostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            if (name != null && !name.isBlank()) {
                return name;
            }
        } catch (IOException e) {
            LOG.debug("no local host name", e);
        }
        String env = System.getenv("HOSTNAME");
        return env == null || env.isBlank() ? "labd" : env.strip();
    }
}
