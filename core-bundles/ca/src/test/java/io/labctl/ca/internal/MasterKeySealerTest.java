package io.labctl.ca.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MasterKeySealerTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PURPOSE = "module-input:k3s-server:token";
    private final MasterKeySealer sealer = new MasterKeySealer(MasterKey.generate(RANDOM));

    @Test
    void opensWhatItSealedAndHidesThePlaintext() {
        byte[] secret = "K10abc::server:token".getBytes(UTF_8);
        byte[] sealed = sealer.seal(secret, PURPOSE);
        assertFalse(new String(sealed, UTF_8).contains("K10abc"));
        assertArrayEquals(secret, sealer.open(sealed, PURPOSE));
        assertFalse(Arrays.equals(sealed, sealer.seal(secret, PURPOSE)), "a fresh nonce per seal");
    }

    @Test
    void anotherPurposeDoesNotOpen() {
        byte[] sealed = sealer.seal("x".getBytes(UTF_8), PURPOSE);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> sealer.open(sealed, "module-input:k3s-agent:token"));
        assertTrue(e.getMessage().contains("module-input:k3s-agent:token"), e.getMessage());
    }

    @Test
    void anotherKeyOrAChangedByteDoesNotOpen() {
        byte[] sealed = sealer.seal("x".getBytes(UTF_8), PURPOSE);
        MasterKeySealer other = new MasterKeySealer(MasterKey.generate(RANDOM));
        assertThrows(IllegalStateException.class, () -> other.open(sealed, PURPOSE));
        sealed[sealed.length - 1] ^= 1;
        assertThrows(IllegalStateException.class, () -> sealer.open(sealed, PURPOSE));
    }

    @Test
    void theCaKeysAssociatedDataIsNotAPurpose() {
        MasterKey key = MasterKey.generate(RANDOM);
        byte[] caSealed = key.seal("ca".getBytes(UTF_8), RootCaBootstrap.associatedData("root"));
        assertThrows(IllegalStateException.class, () -> new MasterKeySealer(key).open(caSealed, "ca key root"));
        assertThrows(IllegalArgumentException.class, () -> sealer.seal(new byte[1], " "));
    }
}
