package io.labctl.bastion.tftp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Files generated in memory (e.g. a per-host {@code boot.ipxe}). The supplier runs once per transfer,
 * so content can change between requests. Names are normalised like client requests ("/a//b" == "a/b").
 */
public final class VirtualFiles implements TftpFiles {
    private final Map<String, Supplier<byte[]>> files = new ConcurrentHashMap<>();

    /** Adds or replaces a file. */
    public VirtualFiles put(String name, Supplier<byte[]> content) {
        try {
            files.put(FileNames.key(name), content);
        } catch (TftpException e) {
            throw new IllegalArgumentException("invalid virtual file name '" + name + "': " + e.getMessage());
        }
        return this;
    }

    public VirtualFiles put(String name, byte[] content) {
        byte[] copy = content.clone();
        return put(name, () -> copy);
    }

    public void remove(String name) {
        try {
            files.remove(FileNames.key(name));
        } catch (TftpException e) {
            // an invalid name can never have been added
        }
    }

    @Override
    public TftpSource open(String name) throws TftpException {
        Supplier<byte[]> supplier = files.get(FileNames.key(name));
        byte[] content = supplier == null ? null : supplier.get();
        if (content == null) {
            throw new TftpException(TftpPacket.ERR_FILE_NOT_FOUND, "file not found");
        }
        return new ByteArraySource(content);
    }
}
