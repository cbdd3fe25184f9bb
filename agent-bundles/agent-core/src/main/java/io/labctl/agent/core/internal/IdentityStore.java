package io.labctl.agent.core.internal;

import io.labctl.protocol.Pem;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Set;

/**
 * The identity directory: {@code agent.key} (PKCS#8 PEM), {@code agent.crt} and {@code ca.crt}, all 0600 in a 0700
 * directory. Every file is written to a temporary file, flushed and moved into place, so a reader never sees half a
 * file. A new key and certificate are first staged as {@code agent.key.new}/{@code agent.crt.new}; if the process
 * dies while swapping them in, the next load finishes the swap, so key and certificate always match.
 */
final class IdentityStore {
    static final String KEY = "agent.key";
    static final String CERTIFICATE = "agent.crt";
    static final String CA = "ca.crt";
    static final String STAGED = ".new";
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private final Path dir;

    IdentityStore(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** The stored identity, or null when the agent has not enrolled yet. */
    synchronized Identity load() throws IOException {
        finishInterruptedSwap();
        Path key = dir.resolve(KEY);
        Path cert = dir.resolve(CERTIFICATE);
        Path ca = dir.resolve(CA);
        if (!Files.exists(key) && !Files.exists(cert)) {
            return null;
        }
        for (Path p : new Path[] {key, cert, ca}) {
            if (!Files.isRegularFile(p)) {
                throw new IOException(p + " is missing; the identity in " + dir
                        + " is incomplete. Remove the directory and enrol again with a new join token");
            }
        }
        try {
            PrivateKey privateKey = Pem.privateKey(Files.readString(key));
            X509Certificate certificate = Pem.certificate(Files.readString(cert));
            X509Certificate caCertificate = Pem.certificate(Files.readString(ca));
            Identity identity = new Identity(privateKey, certificate, caCertificate);
            if (!identity.keyMatchesCertificate()) {
                throw new IOException(key + " does not belong to " + cert
                        + "; remove " + dir + " and enrol again with a new join token");
            }
            return identity;
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot read the identity in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Stores a new identity (first enrolment or renewal). */
    synchronized void store(PrivateKey key, X509Certificate certificate, X509Certificate ca) throws IOException {
        ensureDirectory();
        writeAtomically(dir.resolve(CA), Pem.certificate(ca));
        writeAtomically(dir.resolve(KEY + STAGED), Pem.privateKey(key));
        // agent.crt.new is written only once agent.key.new is complete: its presence marks a swap in progress
        writeAtomically(dir.resolve(CERTIFICATE + STAGED), Pem.certificate(certificate));
        finishInterruptedSwap();
    }

    private void finishInterruptedSwap() throws IOException {
        Path stagedKey = dir.resolve(KEY + STAGED);
        Path stagedCert = dir.resolve(CERTIFICATE + STAGED);
        if (Files.exists(stagedCert)) {
            if (Files.exists(stagedKey)) {
                move(stagedKey, dir.resolve(KEY));
            }
            move(stagedCert, dir.resolve(CERTIFICATE));
        } else {
            // a key without its certificate: the swap never started, the old pair is still whole
            Files.deleteIfExists(stagedKey);
        }
    }

    private void ensureDirectory() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.toAbsolutePath().getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // created meanwhile; permissions are set below
            }
        }
        Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
    }

    private void writeAtomically(Path target, String content) throws IOException {
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
