package io.labctl.repository.internal;

import io.labctl.api.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import io.labctl.protocol.modules.RepoEntry;

/**
 * A pushed body on its way in: copied to a temporary file while its SHA-256 is computed, and cut off with 413 as
 * soon as it passes the limit, so that labd never holds a whole upload in memory and never takes a client's word
 * for its digest. Deleted on close.
 */
final class Upload implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;
    private final Path file;
    private final String sha256;
    private final long size;

    private Upload(Path file, String sha256, long size) {
        this.file = file;
        this.sha256 = sha256;
        this.size = size;
    }

    static Upload receive(InputStream body, long maxBytes, Path tempDir) {
        Path file = null;
        try {
            Files.createDirectories(tempDir);
            file = Files.createTempFile(tempDir, "push-", ".part");
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            long total = 0;
            try (InputStream in = new DigestInputStream(body, digest); OutputStream out = Files.newOutputStream(file)) {
                byte[] buffer = new byte[BUFFER];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    total += n;
                    if (total > maxBytes) {
                        throw tooLarge(maxBytes);
                    }
                    out.write(buffer, 0, n);
                }
            }
            Upload upload = new Upload(file, HexFormat.of().formatHex(digest.digest()), total);
            file = null;
            return upload;
        } catch (IOException e) {
            throw ApiException.badRequest("malformed_body", "the pushed content could not be read to its end ("
                    + e.getMessage() + "); push it again");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        } finally {
            deleteQuietly(file);
        }
    }

    static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "body_too_large", "the content is larger than the repository's limit of "
                + RepoEntry.humanSize(maxBytes) + "; an administrator can raise maxSizeMiB in io.labctl.repository");
    }

    Path file() {
        return file;
    }

    String sha256() {
        return sha256;
    }

    long size() {
        return size;
    }

    InputStream open() {
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        deleteQuietly(file);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a stray temporary file in labd's own temp folder; nothing a caller could do about it
            }
        }
    }
}
