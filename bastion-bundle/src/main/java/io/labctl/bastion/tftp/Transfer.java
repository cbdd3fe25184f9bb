package io.labctl.bastion.tftp;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read transfer on its own ephemeral socket (the server's TID), connected to the client so the
 * kernel filters out datagrams from anyone else.
 *
 * <p>Block indices are tracked as longs and only truncated to 16 bits on the wire, so transfers
 * longer than 65535 blocks simply roll over to 0. An ACK is mapped back to the unique index in
 * (acked, sent]; anything else is a duplicate or stale ACK and is ignored, which is what prevents
 * the sorcerer's apprentice problem (only timeouts retransmit).
 */
final class Transfer implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Transfer.class);
    private static final java.util.function.Consumer<SelectionKey> IGNORE_KEY = k -> { };

    private final TftpRequest request;
    private final InetSocketAddress peer;
    private final TftpSettings settings;
    private final TftpFiles files;
    private final TransferObserver observer;
    private final Runnable onExit;
    private final DatagramChannel channel;

    // Reused for every block: header and gather array, so the send path does not allocate.
    private final ByteBuffer header = ByteBuffer.allocateDirect(4);
    private final ByteBuffer[] iov = new ByteBuffer[2];
    private final ByteBuffer[] single = new ByteBuffer[1];
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(1024);
    private final Selector selector;
    private SelectionKey key;

    private volatile boolean aborted;
    /** Set once the client can no longer expect anything from us, so the same peer may start anew. */
    private volatile boolean finished;
    /** Best knowledge of the transfer, for failure reports from the catch-all paths. */
    private TransferInfo current;

    Transfer(TftpRequest request, InetSocketAddress peer, TftpSettings settings, TftpFiles files,
             TransferObserver observer, Runnable onExit) throws IOException {
        this.request = request;
        this.peer = peer;
        this.settings = settings;
        this.files = files;
        this.observer = observer;
        this.onExit = onExit;
        // Match the socket family to the bind address: an IPv4 socket avoids the v4-mapped IPv6 path.
        this.channel = settings.bindAddress() instanceof java.net.Inet4Address
                ? DatagramChannel.open(java.net.StandardProtocolFamily.INET) : DatagramChannel.open();
        this.selector = Selector.open();
        this.current = info(-1, 0, 0);
    }

    /** True once the final ACK arrived or the final ERROR is being sent. */
    boolean finished() {
        return finished;
    }

    /** Releases the sockets of a transfer that was never run (e.g. the executor refused it). */
    void discard() {
        abort();
        try {
            selector.close();
        } catch (IOException e) {
            log.debug("closing selector for {}", peer, e);
        }
    }

    /** Stops the transfer from another thread (server shutdown); the blocked receive wakes up. */
    void abort() {
        aborted = true;
        selector.wakeup();
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing transfer socket for {}", peer, e);
        }
    }

    @Override
    public void run() {
        try (DatagramChannel ch = channel; Selector sel = selector) {
            ch.bind(new InetSocketAddress(settings.bindAddress(), 0));
            ch.connect(peer);
            ch.configureBlocking(false);
            key = ch.register(sel, SelectionKey.OP_READ);
            serve();
        } catch (ClosedChannelException e) {
            fail(current, aborted ? "server shutting down" : "socket closed");
        } catch (ClientGoneException e) {
            log.info("TFTP client {} went away during '{}'", peer, request.filename());
            fail(current, "client went away (port unreachable)");
        } catch (IOException | RuntimeException e) {
            log.warn("TFTP transfer of '{}' to {} failed", request.filename(), peer, e);
            fail(current, "internal error: " + e);
        } catch (InternalError e) {
            // What the JVM throws when a mapped file is truncated under us (SIGBUS).
            log.warn("TFTP file '{}' changed during transfer to {}", request.filename(), peer, e);
            fail(current, "file changed during transfer");
        } finally {
            onExit.run();
        }
    }

    private void serve() throws IOException {
        TftpSource source;
        try {
            source = files.open(request.filename());
        } catch (TftpException e) {
            if (e.errorCode() == TftpPacket.ERR_ACCESS_VIOLATION) {
                log.warn("TFTP refused '{}' for {}: {}", request.filename(), peer, e.getMessage());
            } else {
                log.info("TFTP '{}' requested by {}: {}", request.filename(), peer, e.getMessage());
            }
            sendError(e.errorCode(), e.getMessage());
            fail(info(-1, 0, 0), e.getMessage());
            return;
        }
        try (source) {
            NegotiatedOptions options;
            try {
                options = NegotiatedOptions.negotiate(request.options(), settings, source.size(), mtuBlockCap());
            } catch (TftpException e) {
                log.info("TFTP '{}' for {}: {}", request.filename(), peer, e.getMessage());
                sendError(e.errorCode(), e.getMessage());
                fail(info(source.size(), 0, 0), e.getMessage());
                return;
            }
            if (request.mode().equals("netascii")) {
                // Boot files are binary; converting would also make tsize lie. Serve the bytes as-is.
                log.debug("TFTP netascii request for '{}' from {} served as octet", request.filename(), peer);
            }
            TransferInfo info = info(source.size(), options.blockSize(), options.windowSize());
            current = info;
            safely(() -> observer.started(info));
            log.debug("TFTP sending '{}' ({} bytes, blksize {}, windowsize {}) to {}", request.filename(),
                    source.size(), options.blockSize(), options.windowSize(), peer);
            long t0 = System.nanoTime();
            String failure = send(source, options);
            if (failure == null) {
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                log.debug("TFTP sent '{}' to {} in {} ms", request.filename(), peer, took.toMillis());
                safely(() -> observer.completed(info, source.size(), took));
            } else {
                fail(info, failure);
            }
        }
    }

    /** Runs the data phase; returns null on success or the failure reason. */
    private String send(TftpSource source, NegotiatedOptions options) throws IOException {
        final int blockSize = options.blockSize();
        final int window = options.windowSize();
        final long size = source.size();
        final long lastBlock = size / blockSize + 1; // a short (possibly empty) block ends the transfer
        final int timeoutMillis = (int) Math.max(1, options.timeoutMillis());
        ByteBuffer oack = options.hasOack() ? TftpPacket.oack(options.oack()) : null;

        long acked = 0; // highest block index the client has acknowledged
        long sent;      // highest block index sent so far (0 = only the OACK)
        boolean awaitingOackAck = oack != null;
        if (awaitingOackAck) {
            write(oack.rewind());
            sent = 0;
        } else {
            sent = sendWindow(source, 1, window, blockSize, lastBlock);
        }
        int timeouts = 0;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (acked < lastBlock) {
            if (aborted) {
                return "server shutting down";
            }
            long waitMillis = (deadline - System.nanoTime()) / 1_000_000L;
            if (waitMillis <= 0 || !receive((int) waitMillis)) {
                if (++timeouts > settings.retries()) {
                    return "timed out waiting for ACK of block " + (awaitingOackAck ? 0 : acked + 1)
                            + " after " + settings.retries() + " retries";
                }
                if (awaitingOackAck) {
                    write(oack.rewind());
                } else {
                    sent = Math.max(sent, sendWindow(source, acked + 1, window, blockSize, lastBlock));
                }
                deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
                continue;
            }
            int length = receiveBuffer.remaining();
            int opcode = length >= 2 ? Short.toUnsignedInt(receiveBuffer.getShort(0)) : -1;
            if (opcode == TftpPacket.ACK && length >= 4) {
                int wire = Short.toUnsignedInt(receiveBuffer.getShort(2));
                if (awaitingOackAck) {
                    if (wire != 0) {
                        continue;
                    }
                    awaitingOackAck = false;
                } else {
                    long delta = (wire - acked) & 0xFFFF;
                    if (delta == 0 || acked + delta > sent) {
                        continue; // duplicate or stale ACK: never answer it with data
                    }
                    acked += delta;
                    if (acked >= lastBlock) {
                        finished = true;
                        break;
                    }
                }
                // Next window from the block after the ACK; if the ACK is for a block inside the
                // window the client lost the rest, and RFC 7440 restarts the window from there.
                timeouts = 0;
                sent = Math.max(sent, sendWindow(source, acked + 1, window, blockSize, lastBlock));
                deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            } else if (opcode == TftpPacket.ERROR) {
                String why = TftpPacket.describeError(receiveBuffer);
                log.info("TFTP client {} aborted '{}': {}", peer, request.filename(), why);
                return "client sent ERROR " + why;
            } else {
                log.debug("TFTP ignoring unexpected packet (opcode {}, {} bytes) from {}", opcode, length, peer);
            }
        }
        return null;
    }

    /** Sends blocks [first, first+window) capped at lastBlock; returns the last index sent. */
    private long sendWindow(TftpSource source, long first, int window, int blockSize, long lastBlock)
            throws IOException {
        long last = Math.min(lastBlock, first + window - 1);
        long size = source.size();
        for (long block = first; block <= last; block++) {
            long offset = (block - 1) * blockSize;
            int length = (int) Math.min(blockSize, size - offset);
            header.clear();
            header.putShort((short) TftpPacket.DATA).putShort((short) block).flip();
            iov[0] = header;
            iov[1] = source.chunk(offset, length);
            write(iov); // gathering write: one datagram, no copy into a staging buffer
        }
        return last;
    }

    /**
     * Waits up to the timeout for a datagram from the peer; false on timeout.
     *
     * <p>Goes straight to the selector: measured on loopback, the ACK is almost never queued yet when
     * the send returns, so a speculative read first is a wasted syscall per block. Busy-polling for
     * the ACK was also measured and made lock-step transfers slower on a 2-core VM (it competes with
     * the client for CPU).
     */
    private boolean receive(int timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            selector.select(IGNORE_KEY, left); // the Consumer form does not allocate a selected-key entry
            if (aborted) {
                throw new ClosedChannelException();
            }
            if (read()) {
                return true;
            }
        }
    }

    /** One non-blocking read into the receive buffer; true if a datagram arrived. */
    private boolean read() throws IOException {
        try {
            receiveBuffer.clear();
            int n = channel.read(receiveBuffer);
            if (n < 0) {
                throw new ClosedChannelException();
            }
            if (n == 0 && receiveBuffer.position() == 0) {
                return false;
            }
            receiveBuffer.flip();
            return true;
        } catch (PortUnreachableException e) {
            // ICMP from the client's host: it has gone away; retrying only delays the failure report
            throw new ClientGoneException();
        }
    }

    /** Writes one datagram, waiting for socket buffer space if the kernel is momentarily full. */
    private void write(ByteBuffer[] buffers) throws IOException {
        long total = 0;
        for (ByteBuffer b : buffers) {
            total += b.remaining();
        }
        while (channel.write(buffers) < total && total > 0) {
            // UDP writes are all-or-nothing; 0 means EAGAIN. Wait until writable, then retry.
            key.interestOps(SelectionKey.OP_WRITE);
            selector.select(IGNORE_KEY, settings.timeout().toMillis());
            key.interestOps(SelectionKey.OP_READ);
            if (aborted) {
                throw new ClosedChannelException();
            }
        }
    }

    private void write(ByteBuffer buffer) throws IOException {
        single[0] = buffer;
        write(single);
    }

    /** Largest blksize that fits in one IP packet on the interface carrying this transfer. */
    private int mtuBlockCap() {
        try {
            InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
            NetworkInterface nif = NetworkInterface.getByInetAddress(local.getAddress());
            if (nif == null || nif.getMTU() <= 0) {
                return settings.maxBlockSize();
            }
            int overhead = (local.getAddress() instanceof Inet6Address ? 40 : 20) + 8 + 4; // IP + UDP + TFTP
            return Math.max(TftpSettings.MIN_BLOCK_SIZE, nif.getMTU() - overhead);
        } catch (IOException | RuntimeException e) {
            return settings.maxBlockSize();
        }
    }

    private void sendError(int code, String message) {
        finished = true; // before sending: the client may retry from the same port right after
        try {
            write(TftpPacket.error(code, message));
        } catch (IOException e) {
            log.debug("could not send ERROR to {}", peer, e);
        }
    }

    private TransferInfo info(long size, int blockSize, int windowSize) {
        return new TransferInfo(peer, request.filename(), size, blockSize, windowSize);
    }

    private void fail(TransferInfo info, String reason) {
        safely(() -> observer.failed(info, reason));
    }

    private void safely(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.warn("TFTP transfer observer threw", e);
        }
    }

    /** The client's port is closed (ICMP port unreachable). */
    static final class ClientGoneException extends IOException {
        ClientGoneException() {
            super("client port unreachable");
        }
    }
}
