package io.labctl.bastion.tftp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Server configuration. Validated on construction so a bad config fails at startup, not mid-boot.
 *
 * @param bindAddress            address to listen on; a specific interface address is recommended on
 *                               multi-homed bastions (replies leave from the routed source address)
 * @param port                   UDP port, 69 by default; 0 picks a free port (see {@link TftpServer#port()})
 * @param maxBlockSize           upper bound for negotiated blksize (8..65464); also clamped to the interface MTU
 * @param maxWindowSize          upper bound for negotiated windowsize (1..32768, keeps block numbers unambiguous)
 * @param timeout                retransmission timeout when the client does not negotiate one
 * @param retries                consecutive timeouts before a transfer is abandoned
 * @param maxConcurrentTransfers transfers running at once; further requests get "server busy"
 */
public record TftpSettings(InetAddress bindAddress, int port, int maxBlockSize, int maxWindowSize,
                           Duration timeout, int retries, int maxConcurrentTransfers) {
    public static final int DEFAULT_PORT = 69;
    public static final int MIN_BLOCK_SIZE = 8;
    public static final int MAX_BLOCK_SIZE = 65464;
    public static final int MAX_WINDOW_SIZE = 32768;

    public TftpSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(timeout, "timeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
        if (maxBlockSize < MIN_BLOCK_SIZE || maxBlockSize > MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("maxBlockSize must be 8..65464: " + maxBlockSize);
        }
        if (maxWindowSize < 1 || maxWindowSize > MAX_WINDOW_SIZE) {
            throw new IllegalArgumentException("maxWindowSize must be 1..32768: " + maxWindowSize);
        }
        if (timeout.toMillis() < 10 || timeout.toSeconds() > 255) {
            throw new IllegalArgumentException("timeout must be 10ms..255s: " + timeout);
        }
        if (retries < 0 || retries > 100) {
            throw new IllegalArgumentException("retries must be 0..100: " + retries);
        }
        if (maxConcurrentTransfers < 1) {
            throw new IllegalArgumentException("maxConcurrentTransfers must be >= 1: " + maxConcurrentTransfers);
        }
    }

    /** Listens on all addresses, port 69, blksize up to 65464 (MTU-clamped), windowsize up to 64, 1 s x 5. */
    public static TftpSettings defaults() {
        return new TftpSettings(anyAddress(), DEFAULT_PORT, MAX_BLOCK_SIZE, 64, Duration.ofSeconds(1), 5, 64);
    }

    public TftpSettings withBindAddress(InetAddress address) {
        return new TftpSettings(address, port, maxBlockSize, maxWindowSize, timeout, retries, maxConcurrentTransfers);
    }

    public TftpSettings withPort(int newPort) {
        return new TftpSettings(bindAddress, newPort, maxBlockSize, maxWindowSize, timeout, retries, maxConcurrentTransfers);
    }

    public TftpSettings withMaxBlockSize(int size) {
        return new TftpSettings(bindAddress, port, size, maxWindowSize, timeout, retries, maxConcurrentTransfers);
    }

    public TftpSettings withMaxWindowSize(int size) {
        return new TftpSettings(bindAddress, port, maxBlockSize, size, timeout, retries, maxConcurrentTransfers);
    }

    public TftpSettings withTimeout(Duration newTimeout, int newRetries) {
        return new TftpSettings(bindAddress, port, maxBlockSize, maxWindowSize, newTimeout, newRetries, maxConcurrentTransfers);
    }

    public TftpSettings withMaxConcurrentTransfers(int max) {
        return new TftpSettings(bindAddress, port, maxBlockSize, maxWindowSize, timeout, retries, max);
    }

    private static InetAddress anyAddress() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
