package io.labctl.bastion.tftp;

/** Resolves a requested file name to content. Implementations must be thread-safe. */
public interface TftpFiles {
    /**
     * @param name the file name exactly as the client sent it
     * @return an open source; the caller closes it
     * @throws TftpException with {@link TftpPacket#ERR_FILE_NOT_FOUND} or
     *                       {@link TftpPacket#ERR_ACCESS_VIOLATION}, whose message is sent to the client
     */
    TftpSource open(String name) throws TftpException;
}
