package io.labctl.agent.logs.internal;

import io.labctl.agent.api.StreamChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The last lines of a file and, when following, what is appended to it, like {@code tail -F}: the path is watched
 * by name, so a rotated log (renamed away and created anew, or truncated in place) is read on from the new file
 * after the rest of the old one. Lines are counted only to find where the tail starts; after that the file is
 * copied as bytes, so a long line costs no memory.
 */
final class FileTail extends LogSession {
    static final String PATH_NOT_ALLOWED = "path-not-allowed";
    static final String FILE_NOT_FOUND = "file-not-found";
    static final String NOT_A_FILE = "not-a-file";
    static final String PERMISSION_DENIED = "permission-denied";
    /**
     * How often a followed file is checked for new data, rotation and truncation when no change is reported: the
     * kernel's notice of a change in its directory (inotify, through a WatchService) wakes the tail at once.
     */
    static final Duration POLL = Duration.ofMillis(200);
    /**
     * While a file keeps growing (data read within {@link #BUSY}), it is looked at again after this long rather than
     * on the next change, so that a busy log goes out in a few larger frames rather than one per write: every frame
     * costs the agent, labd and the CLI alike. A quiet file's first new line goes out at once.
     */
    static final Duration LINGER = Duration.ofMillis(10);
    static final Duration BUSY = Duration.ofMillis(100);
    /** A file that keeps changing between check and open is given up on after this many tries. */
    private static final int OPEN_ATTEMPTS = 3;
    private static final int SCAN_BLOCK = 8192;
    private static final WatchEvent.Kind<?>[] WATCHED = {StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE};

    /** An open file and its identity (device and inode), to notice when the path names another one. */
    private record Opened(FileChannel channel, Object key) {}

    private final Path path;
    private final String shownPath;
    private final PathPolicy policy;
    private final int lines;
    private final boolean follow;
    /** Where a handed-over stream goes on from; null for a new stream. */
    private final LogCursor resume;
    private final Duration poll;
    private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
    private Opened current;
    /** Reports changes in the file's directory while following; null when that cannot be watched (then: polling). */
    private WatchService changes;
    /** The directory's registration with {@link #changes}; null while the file is busy (see {@link #awaitChange}). */
    private WatchKey watch;
    /** When data was last read from the file (System.nanoTime), for {@link #LINGER}. */
    private long lastData = System.nanoTime() - BUSY.toNanos();

    /**
     * @param policy the paths the caller may read, checked on the real path at every (re)open; null for the
     *               agent's own log, which needs no permission beyond the stream itself
     */
    FileTail(StreamChannel channel, boolean deflate, Path path, PathPolicy policy, int lines, boolean follow,
             String description, Consumer<LogSession> onEnd) {
        this(channel, deflate, path, policy, lines, follow, null, POLL, description, onEnd);
    }

    /**
     * @param resume where a follow handed over by an older version of this capability goes on from (null: a new
     *               stream, which starts with the last lines)
     * @param poll   how long a follower waits for a change before it looks anyway
     */
    FileTail(StreamChannel channel, boolean deflate, Path path, PathPolicy policy, int lines, boolean follow,
             LogCursor resume, Duration poll, String description, Consumer<LogSession> onEnd) {
        super(channel, deflate, description, onEnd);
        if (resume != null && !follow) {
            throw new IllegalArgumentException("only a follow can be resumed");
        }
        this.resume = resume;
        this.poll = poll;
        this.path = path;
        this.shownPath = path.toString();
        this.policy = policy;
        this.lines = lines;
        this.follow = follow;
    }

    @Override
    void work() throws IOException, InterruptedException, Refusal {
        if (follow) {
            changes = watchDirectory();
        }
        current = open();
        long position;
        if (current != null && resume != null) {
            // the same file: on from the cursor; another one (rotated since) or a shorter one: from its start
            long size = current.channel().size();
            position = resume.names(current.key()) && resume.offset() <= size ? resume.offset() : 0;
        } else if (current != null) {
            position = startOfLastLines(current.channel(), current.channel().size(), lines);
        } else if (!follow) {
            throw new Refusal(FILE_NOT_FOUND, shownPath + ": no such file");
        } else {
            // tail -F: wait for it; once there, all of it is new
            while ((current = open()) == null) {
                if (handoverAsked()) {
                    handOff(LogCursor.at(null, 0).text());
                    return;
                }
                awaitChange();
            }
            position = 0;
        }
        if (!follow) {
            // up to the end as it was when we came: a file growing as fast as we read still ends
            copy(current.channel(), position, current.channel().size(), false);
            finish(0);
            return;
        }
        while (true) {
            position = copy(current.channel(), position, Long.MAX_VALUE, true);
            if (handoverAsked()) {
                // exact only while the path still names this file (or none): else the rotation is handled first
                Object at = keyAtPath();
                if (at == null || at.equals(current.key())) {
                    handOff(LogCursor.at(current.key(), position).text());
                    return;
                }
            }
            if (current.channel().size() < position) {
                // truncated in place (copytruncate): the new content starts at the beginning
                LOG.debug("logs stream {}: {} was truncated", channel.id(), shownPath);
                position = 0;
                continue;
            }
            Object key = keyAtPath();
            if (key != null && !key.equals(current.key())) {
                // rotated: the rest of the old file first, then the new one from its start
                position = copy(current.channel(), position, Long.MAX_VALUE, false);
                Opened next = open();
                if (next != null) {
                    LOG.debug("logs stream {}: {} was rotated", channel.id(), shownPath);
                    current.channel().close();
                    current = next;
                    position = 0;
                    continue;
                }
            }
            // nothing new (or the file is gone for now: keep the old one and wait for it to come back)
            awaitChange();
        }
    }

    /** A watch service for the file's directory, or null to fall back to polling. */
    private WatchService watchDirectory() {
        Path dir = directory();
        if (dir == null) {
            return null;
        }
        try {
            WatchService ws = dir.getFileSystem().newWatchService();
            watch = dir.register(ws, WATCHED);
            return ws;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("logs stream {}: cannot watch the directory of {}, polling every {} ms: {}", channel.id(),
                    shownPath, poll.toMillis(), e.toString());
            return null;
        }
    }

    private Path directory() {
        return path.toAbsolutePath().getParent();
    }

    /**
     * Waits until something in the file's directory changed, or the poll interval passed. Any change wakes the tail:
     * it only costs a look at the file, and a rename onto the path reports another name. While the file is busy the
     * directory is not watched at all and the tail looks again after {@link #LINGER}: a writer's every write(2) is
     * one notice, which the JDK's watcher thread handles one by one (as much CPU as the reading itself, measured).
     */
    private void awaitChange() throws IOException, InterruptedException {
        flush();  // what was read goes out before the wait
        if (changes == null) {
            Thread.sleep(poll.toMillis());
            return;
        }
        if (System.nanoTime() - lastData < BUSY.toNanos()) {
            if (watch != null) {
                watch.cancel();
                watch = null;
            }
            Thread.sleep(LINGER.toMillis());
            return;
        }
        try {
            if (watch == null) {
                // quiet again: watch again, and look once more, for what came between the last look and now
                watch = directory().register(changes, WATCHED);
                return;
            }
            WatchKey key = changes.poll(poll.toMillis(), TimeUnit.MILLISECONDS);
            if (key != null) {
                key.pollEvents();  // drained: what changed is read from the file itself
                key.reset();
            }
        } catch (ClosedWatchServiceException | IOException e) {
            Thread.sleep(poll.toMillis());
        }
    }

    /** A follow can go on from a cursor in another version of this capability. */
    @Override
    boolean canHandOver() {
        return follow;
    }

    @Override
    void cleanUp() {
        if (changes != null) {
            try {
                changes.close();
            } catch (IOException e) {
                // its thread ends anyway
            }
        }
        if (current != null) {
            try {
                current.channel().close();
            } catch (IOException e) {
                // read-only: nothing is lost
            }
        }
    }

    /**
     * Opens the file the path names now, checking its real path against the policy; null if there is none.
     * The real path has no links left, and the file is opened without following one: a link swapped in between
     * the check and the open makes the open fail or the identity differ, and the open is tried again.
     */
    private Opened open() throws IOException, Refusal {
        for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
            Path real;
            try {
                real = path.toRealPath();
            } catch (IOException e) {
                if (policy != null && !policy.allows(path.normalize())) {
                    // the same answer as for an existing file out there: no probing for what exists
                    throw new Refusal(PATH_NOT_ALLOWED, policy.refusal(shownPath));
                }
                if (e instanceof NoSuchFileException) {
                    return null;
                }
                if (e instanceof AccessDeniedException) {
                    throw denied();
                }
                throw e;
            }
            if (policy != null && !policy.allows(real)) {
                throw new Refusal(PATH_NOT_ALLOWED, policy.refusal(shownPath));
            }
            try {
                BasicFileAttributes before = Files.readAttributes(real, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (!before.isRegularFile()) {
                    throw new Refusal(NOT_A_FILE, shownPath + " is not a regular file");
                }
                FileChannel ch = FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                BasicFileAttributes after = Files.readAttributes(real, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (Objects.equals(before.fileKey(), after.fileKey()) && real.equals(real.toRealPath())) {
                    return new Opened(ch, after.fileKey());
                }
                ch.close();
            } catch (NoSuchFileException e) {
                // rotated away between the steps: look again
            } catch (AccessDeniedException e) {
                throw denied();
            } catch (IOException e) {
                if (attempt == OPEN_ATTEMPTS - 1) {
                    throw e;
                }
            }
        }
        throw new IOException(shownPath + " kept changing while it was opened");
    }

    private Refusal denied() {
        return new Refusal(PERMISSION_DENIED, shownPath + ": permission denied (the agent runs as "
                + System.getProperty("user.name") + ")");
    }

    /** The identity of the file the path names now (links followed), or null if it names none right now. */
    private Object keyAtPath() {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Sends the file's bytes from position up to end (or EOF); returns the position reached. With forHandover, stops
     * early once a handover is asked for (a large backlog is then read on by the next version).
     */
    private long copy(FileChannel file, long position, long end, boolean forHandover)
            throws IOException, InterruptedException {
        while (position < end && !(forHandover && handoverAsked())) {
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), end - position));
            int n = file.read(buffer, position);
            if (n <= 0) {
                break;
            }
            send(buffer.array(), 0, n);
            position += n;
            lastData = System.nanoTime();
        }
        return position;
    }

    /**
     * Where the last {@code lines} lines of the first {@code size} bytes start. A final newline ends the last line
     * rather than starting another; a last line without one counts as a line.
     */
    static long startOfLastLines(FileChannel file, long size, int lines) throws IOException {
        if (lines <= 0 || size == 0) {
            return size;
        }
        ByteBuffer block = ByteBuffer.allocate(SCAN_BLOCK);
        long blockStart = size;
        int found = 0;
        while (blockStart > 0) {
            int length = (int) Math.min(SCAN_BLOCK, blockStart);
            blockStart -= length;
            block.clear();
            block.limit(length);
            while (block.hasRemaining()) {
                if (file.read(block, blockStart + block.position()) < 0) {
                    throw new IOException("the file shrank while its last lines were found");
                }
            }
            byte[] bytes = block.array();
            for (int i = length - 1; i >= 0; i--) {
                long at = blockStart + i;
                if (bytes[i] == '\n' && at != size - 1 && ++found == lines) {
                    return at + 1;
                }
            }
        }
        return 0;
    }
}
