package io.labctl.ca.internal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The master key on disk: exactly 32 raw bytes, owner read/write only. */
final class MasterKeyFile {
    private static final Logger LOG = LoggerFactory.getLogger(MasterKeyFile.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private MasterKeyFile() {}

    /** The key in the file, or empty if there is no such file. */
    static Optional<MasterKey> read(Path file, SecureRandom random) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the master key file " + file + ": " + e.getMessage()
                    + ". Check that labd's user can read it.", e);
        }
        try {
            if (bytes.length != MasterKey.KEY_BYTES) {
                throw new IllegalStateException("the master key file " + file + " holds " + bytes.length
                        + " bytes, but a labd master key is exactly " + MasterKey.KEY_BYTES + " raw bytes. "
                        + "Restore it from the first labd instance (copy it byte for byte, e.g. with scp) or from a backup.");
            }
            warnIfReadableByOthers(file);
            return Optional.of(new MasterKey(bytes, random));
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * The key in the file, creating the file with a new random key if there is none. The new file appears
     * complete or not at all, so a second process starting at the same moment reads the winner's key.
     */
    static MasterKey readOrCreate(Path file, SecureRandom random) {
        Optional<MasterKey> existing = read(file, random);
        if (existing.isPresent()) {
            return existing.get();
        }
        MasterKey created = MasterKey.generate(random);
        byte[] bytes = created.encoded();
        Path temp = null;
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            temp = createOwnerOnly(dir.resolve(file.getFileName() + ".new-" + Long.toHexString(random.nextLong())));
            Files.write(temp, bytes, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            try {
                // A hard link never replaces an existing file: exactly one concurrent creator wins.
                Files.createLink(file, temp);
            } catch (UnsupportedOperationException e) {
                Files.move(temp, file);
                temp = null;
            }
            LOG.info("created a new labd master key in {} (mode 0600); back it up and copy it to every other labd "
                    + "instance that shares this database", file);
            return created;
        } catch (FileAlreadyExistsException e) {
            return read(file, random).orElseThrow(() -> new IllegalStateException(
                    "the master key file " + file + " vanished while labd was creating it; restart labd"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the master key file " + file + ": " + e.getMessage()
                    + ". Make its directory writable for labd, or set masterKeyFile in io.labctl.ca.", e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    LOG.warn("could not delete the temporary file {}: {}", temp, e.getMessage());
                }
            }
        }
    }

    private static Path createOwnerOnly(Path path) throws IOException {
        try {
            return Files.createFile(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's access rules have to protect the key
            return Files.createFile(path);
        }
    }

    private static void warnIfReadableByOthers(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(perms)) {
                LOG.warn("the master key file {} is accessible to others ({}); run: chmod 600 {}",
                        file, PosixFilePermissions.toString(perms), file);
            }
        } catch (UnsupportedOperationException | IOException e) {
            LOG.debug("cannot read the permissions of {}: {}", file, e.getMessage());
        }
    }
}
