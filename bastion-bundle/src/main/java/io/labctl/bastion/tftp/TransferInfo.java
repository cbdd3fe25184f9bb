package io.labctl.bastion.tftp;

import java.net.InetSocketAddress;

/**
 * What a transfer is about, passed to {@link TransferObserver}.
 *
 * @param peer       the client's address and port
 * @param filename   the name as requested
 * @param size       content size in bytes, or -1 when the file could not be opened
 * @param blockSize  negotiated block size (0 before negotiation)
 * @param windowSize negotiated window size (0 before negotiation)
 */
public record TransferInfo(InetSocketAddress peer, String filename, long size, int blockSize, int windowSize) {
}
