package io.labctl.ca.internal;

import io.labctl.protocol.Pem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the root CA from the database with the master key file, or creates both on the very first start. Safe when
 * several labd instances start at once on one database: whichever insert wins is the CA everybody uses.
 */
final class RootCaBootstrap {
    static final String ROOT_NAME = "root";
    static final java.time.Duration BACKDATE = java.time.Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(RootCaBootstrap.class);

    private final CaStore store;
    private final Path masterKeyFile;
    private final SecureRandom random;

    RootCaBootstrap(CaStore store, Path masterKeyFile, SecureRandom random) {
        this.store = store;
        this.masterKeyFile = masterKeyFile;
        this.random = random;
    }

    CaMaterial openOrCreate(int validityYears, Instant now) {
        Optional<CaKeyRow> existing = store.findCa(ROOT_NAME);
        if (existing.isPresent()) {
            MasterKey key = MasterKeyFile.read(masterKeyFile, random).orElseThrow(() -> new IllegalStateException(
                    "the database already holds labd's CA, but the master key file " + masterKeyFile + " does not exist. "
                            + "Copy labd-master.key from the first labd instance to " + masterKeyFile
                            + " (mode 0600, owned by labd's user) and start labd again."));
            return open(existing.get(), key);
        }
        MasterKey key = MasterKeyFile.readOrCreate(masterKeyFile, random);
        KeyPair keyPair = EcKeys.newP256(random);
        X509Certificate certificate = new CertificateMaker(random).selfSignedRoot(keyPair,
                now.minus(BACKDATE), now.atOffset(ZoneOffset.UTC).plusYears(validityYears).toInstant());
        byte[] pkcs8 = keyPair.getPrivate().getEncoded();
        CaKeyRow row;
        try {
            row = new CaKeyRow(ROOT_NAME, Pem.certificate(certificate), key.seal(pkcs8, associatedData(ROOT_NAME)), key.keyCheck());
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
        if (store.insertCaIfAbsent(row)) {
            LOG.info("created labd's root CA (pin {}), its key sealed under {}", Pem.sha256Hex(certificate), masterKeyFile);
        } else {
            LOG.info("another labd instance created the root CA at the same moment; using that one");
        }
        CaKeyRow stored = store.findCa(ROOT_NAME).orElseThrow(() -> new IllegalStateException(
                "the root CA was written to the database but cannot be read back; check the database and start labd again"));
        return open(stored, key);
    }

    private CaMaterial open(CaKeyRow row, MasterKey key) {
        if (!key.keyCheck().equals(row.keyCheck)) {
            throw new IllegalStateException("the master key file " + masterKeyFile + " does not match the key that "
                    + "sealed labd's CA in the database (it was created by another labd instance, or replaced). Copy "
                    + "labd-master.key from the first labd instance to " + masterKeyFile + " (mode 0600) and start labd again.");
        }
        X509Certificate certificate;
        try {
            certificate = Pem.certificate(row.certificatePem);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the CA certificate stored in ca_keys is damaged (" + e.getMessage()
                    + "); restore the ca_keys table from a backup", e);
        }
        byte[] pkcs8 = null;
        try {
            pkcs8 = key.open(row.sealedKey, associatedData(row.name));
            PrivateKey privateKey = EcKeys.privateKeyFromPkcs8(pkcs8);
            if (!EcKeys.belongTogether(privateKey, certificate.getPublicKey())) {
                throw new IllegalStateException("the sealed CA key in ca_keys does not belong to the stored CA "
                        + "certificate; the table was altered. Restore ca_keys from a backup.");
            }
            return new CaMaterial(certificate, privateKey);
        } catch (MasterKey.SealBrokenException e) {
            // The key check matched, so the key file is right and the stored ciphertext is not.
            throw new IllegalStateException("the sealed CA key in ca_keys cannot be opened although the master key file "
                    + masterKeyFile + " is the right one (" + e.getMessage() + "): the database row was altered or "
                    + "damaged. Restore ca_keys from a backup.", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the CA key unsealed from ca_keys is not an EC private key; restore ca_keys "
                    + "from a backup", e);
        } finally {
            if (pkcs8 != null) {
                Arrays.fill(pkcs8, (byte) 0);
            }
        }
    }

    /** Binds a sealed key to its row, so a sealed blob copied into another row does not open. */
    static byte[] associatedData(String caName) {
        return ("labctl ca key " + caName).getBytes(StandardCharsets.UTF_8);
    }
}
