package io.labctl.bastion.tftp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Serves regular files below a root directory. Symlinks are followed only while they stay inside the root. */
public final class RootDirectoryFiles implements TftpFiles {
    private final Path realRoot;

    public RootDirectoryFiles(Path root) throws IOException {
        this.realRoot = root.toRealPath();
        if (!Files.isDirectory(realRoot)) {
            throw new IOException("TFTP root is not a directory: " + root);
        }
    }

    public Path root() {
        return realRoot;
    }

    @Override
    public TftpSource open(String name) throws TftpException {
        List<String> segments = FileNames.segments(name);
        Path candidate = realRoot;
        for (String s : segments) {
            candidate = candidate.resolve(s);
        }
        // Lexical check first (cheap, catches odd Path parsing), then the real path: a symlink
        // anywhere along the way must not lead outside the root.
        if (!candidate.normalize().startsWith(realRoot)) {
            throw new TftpException(TftpPacket.ERR_ACCESS_VIOLATION, "access violation: outside the TFTP root");
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (NoSuchFileException e) {
            throw new TftpException(TftpPacket.ERR_FILE_NOT_FOUND, "file not found");
        } catch (IOException e) {
            throw new TftpException(TftpPacket.ERR_ACCESS_VIOLATION, "access violation: cannot resolve path");
        }
        if (!real.startsWith(realRoot)) {
            throw new TftpException(TftpPacket.ERR_ACCESS_VIOLATION,
                    "access violation: path resolves outside the TFTP root");
        }
        if (!Files.isRegularFile(real)) {
            throw new TftpException(TftpPacket.ERR_ACCESS_VIOLATION, "access violation: not a regular file");
        }
        try {
            return new MappedFileSource(real);
        } catch (NoSuchFileException e) {
            throw new TftpException(TftpPacket.ERR_FILE_NOT_FOUND, "file not found");
        } catch (IOException e) {
            throw new TftpException(TftpPacket.ERR_ACCESS_VIOLATION, "access violation: cannot read file");
        }
    }
}
