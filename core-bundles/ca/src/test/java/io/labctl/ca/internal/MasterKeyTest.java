package io.labctl.ca.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MasterKeyTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] AAD = "labctl ca key root".getBytes(StandardCharsets.UTF_8);
    private final byte[] secret = "a private key in PKCS#8 would go here".getBytes(StandardCharsets.UTF_8);

    @Test
    void sealedDataOpensWithTheSameKeyAndAssociatedData() throws Exception {
        MasterKey key = MasterKey.generate(RANDOM);
        byte[] sealed = key.seal(secret, AAD);
        assertArrayEquals(secret, key.open(sealed, AAD));
        // format byte + 12-byte nonce + ciphertext + 16-byte tag: the plaintext is not merely copied
        assertEquals(1 + 12 + secret.length + 16, sealed.length);
        assertFalse(containsSequence(sealed, secret));
    }

    @Test
    void everySealingUsesAFreshNonce() {
        MasterKey key = MasterKey.generate(RANDOM);
        byte[] first = key.seal(secret, AAD);
        byte[] second = key.seal(secret, AAD);
        assertFalse(Arrays.equals(Arrays.copyOfRange(first, 1, 13), Arrays.copyOfRange(second, 1, 13)));
        assertFalse(Arrays.equals(first, second));
    }

    @Test
    void anyChangedByteIsDetected() {
        MasterKey key = MasterKey.generate(RANDOM);
        byte[] sealed = key.seal(secret, AAD);
        // nonce, ciphertext and tag each
        for (int index : new int[] {1, 12, 13, 13 + secret.length / 2, sealed.length - 1}) {
            byte[] tampered = sealed.clone();
            tampered[index] ^= 0x01;
            assertThrows(MasterKey.SealBrokenException.class, () -> key.open(tampered, AAD), "byte " + index);
        }
        byte[] truncated = Arrays.copyOf(sealed, sealed.length - 1);
        assertThrows(MasterKey.SealBrokenException.class, () -> key.open(truncated, AAD));
    }

    @Test
    void anotherKeyOrOtherAssociatedDataCannotOpen() {
        MasterKey key = MasterKey.generate(RANDOM);
        byte[] sealed = key.seal(secret, AAD);
        assertThrows(MasterKey.SealBrokenException.class, () -> MasterKey.generate(RANDOM).open(sealed, AAD));
        assertThrows(MasterKey.SealBrokenException.class,
                () -> key.open(sealed, "labctl ca key other".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void keyCheckIsStablePerKeyAndDiffersBetweenKeys() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        MasterKey key = new MasterKey(bytes.clone(), RANDOM);
        MasterKey same = new MasterKey(bytes.clone(), RANDOM);
        assertEquals(key.keyCheck(), same.keyCheck());
        assertTrue(key.keyCheck().matches("[0-9a-f]{64}"));
        assertNotEquals(key.keyCheck(), MasterKey.generate(RANDOM).keyCheck());
        // the check is not the key itself in hex
        assertNotEquals(java.util.HexFormat.of().formatHex(bytes), key.keyCheck());
    }

    @Test
    void onlyThirtyTwoByteKeysAreAccepted() {
        assertThrows(IllegalArgumentException.class, () -> new MasterKey(new byte[16], RANDOM));
    }

    private static boolean containsSequence(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }
}
