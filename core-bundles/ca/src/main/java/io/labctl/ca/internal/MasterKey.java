package io.labctl.ca.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The 256-bit key that seals the CA's private key with AES-GCM. Sealed form: one format byte, a random 12-byte
 * nonce, then ciphertext with its 16-byte tag. The key bytes never leave this class.
 */
final class MasterKey {
    static final int KEY_BYTES = 32;
    private static final byte FORMAT_V1 = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] CHECK_LABEL = "labctl master key check v1".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;
    private final SecureRandom random;

    MasterKey(byte[] keyBytes, SecureRandom random) {
        if (keyBytes.length != KEY_BYTES) {
            throw new IllegalArgumentException("a master key is " + KEY_BYTES + " bytes, got " + keyBytes.length);
        }
        this.key = new SecretKeySpec(keyBytes, "AES");
        this.random = random;
    }

    static MasterKey generate(SecureRandom random) {
        byte[] bytes = new byte[KEY_BYTES];
        random.nextBytes(bytes);
        return new MasterKey(bytes, random);
    }

    /** Used once, to write a new key file. */
    byte[] encoded() {
        return key.getEncoded();
    }

    /**
     * Hex SHA-256 of an HMAC of a fixed label: stored beside the sealed key so that a wrong key file is told apart
     * from a corrupted database, without revealing anything about the key.
     */
    String keyCheck() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(mac.doFinal(CHECK_LABEL)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256/SHA-256 missing from this JDK", e);
        }
    }

    /** Seals plaintext; associatedData (not secret, not stored) binds the result to its purpose. */
    byte[] seal(byte[] plaintext, byte[] associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            gcm.updateAAD(associatedData);
            byte[] sealed = gcm.doFinal(plaintext);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(FORMAT_V1).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    /** Opens what {@link #seal} made; a wrong key, other associated data or any changed byte fails. */
    byte[] open(byte[] sealed, byte[] associatedData) throws SealBrokenException {
        if (sealed == null || sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8) {
            throw new SealBrokenException("sealed data is too short to be AES-GCM output");
        }
        if (sealed[0] != FORMAT_V1) {
            throw new SealBrokenException("sealed data has unknown format " + sealed[0]);
        }
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, key,
                    new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES)));
            gcm.updateAAD(associatedData);
            return gcm.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new SealBrokenException("authentication tag does not match: wrong master key or altered data");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "MasterKey[check=" + keyCheck().substring(0, 8) + "…]";
    }

    /** Sealed data that cannot be opened with this key. */
    static final class SealBrokenException extends Exception {
        private static final long serialVersionUID = 1L;

        SealBrokenException(String message) {
            super(message);
        }
    }
}
