package io.labctl.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * One owner-only YAML file with everything a CLI user needs to reach labd: the server URL, the CA certificate,
 * a client certificate and its private key. labd writes the admin's on first start; later users get theirs
 * from an admin; {@code labctl config import} reads them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CredentialBundle(String kind, String server, String user, String caCertificate, String certificate,
                               String privateKey) {
    public static final String KIND = "LabctlCredentials";

    public CredentialBundle {
        if (kind == null) {
            kind = KIND;
        }
    }

    public static CredentialBundle of(String server, String user, String caPem, String certPem, String keyPem) {
        return new CredentialBundle(KIND, server, user, caPem, certPem, keyPem);
    }

    public static CredentialBundle read(Path file) throws IOException {
        CredentialBundle b;
        try {
            b = Json.yaml().readValue(file.toFile(), CredentialBundle.class);
        } catch (IOException e) {
            throw new IOException(file + " is not a labctl credential bundle: " + e.getMessage(), e);
        }
        if (b == null || !KIND.equals(b.kind()) || b.server() == null || b.caCertificate() == null
                || b.certificate() == null || b.privateKey() == null) {
            throw new IOException(file + " is not a complete labctl credential bundle (needs kind: " + KIND
                    + ", server, caCertificate, certificate, privateKey)");
        }
        return b;
    }

    /** Writes the bundle owner-only (0600) and atomically: a reader never sees half a file. */
    public void write(Path file) throws IOException {
        writeOwnerOnly(file, Json.yaml().writeValueAsString(this));
    }

    /** Owner-only, atomic write of a secret-bearing text file. */
    public static void writeOwnerOnly(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, content);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
