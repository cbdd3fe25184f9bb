package io.labctl.ca.internal;

import io.labctl.api.CertificateAuthority;
import io.labctl.api.Sealer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

/**
 * {@link Sealer} with labd's master key: the same key file that seals the CA key, so every labd instance that can
 * run the CA on a database can open what another sealed there.
 */
@Component(service = Sealer.class, configurationPid = "io.labctl.ca", configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class MasterKeySealer implements Sealer {
    private final MasterKey key;

    /**
     * The CA reference orders the start: the CA has created the key file, or checked it against the key that sealed
     * the CA in the database, before this component reads it.
     */
    @Activate
    public MasterKeySealer(@Reference CertificateAuthority ca, CaConfig config) {
        this(readKey(CaSettings.resolveKeyFile(config.masterKeyFile())));
    }

    MasterKeySealer(MasterKey key) {
        this.key = key;
    }

    private static MasterKey readKey(Path file) {
        return MasterKeyFile.read(file, new SecureRandom()).orElseThrow(() -> new IllegalStateException(
                "the master key file " + file + " is gone although the CA started with it; restore it (mode 0600)"
                        + " from a backup or another labd instance and restart labd"));
    }

    @Override
    public byte[] seal(byte[] plaintext, String purpose) {
        return key.seal(plaintext, associatedData(purpose));
    }

    @Override
    public byte[] open(byte[] sealed, String purpose) {
        try {
            return key.open(sealed, associatedData(purpose));
        } catch (MasterKey.SealBrokenException e) {
            throw new IllegalStateException("cannot open a value sealed for " + purpose + ": " + e.getMessage()
                    + " (sealed for another purpose, by another master key, or altered)");
        }
    }

    /** Prefixed so that no purpose can equal the associated data of the CA's own sealed key. */
    private static byte[] associatedData(String purpose) {
        if (purpose == null || purpose.isBlank()) {
            throw new IllegalArgumentException("a sealing purpose is required, such as module-input:NAME:INPUT");
        }
        return ("labctl sealed " + purpose).getBytes(StandardCharsets.UTF_8);
    }
}
