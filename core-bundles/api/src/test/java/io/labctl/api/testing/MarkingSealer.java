package io.labctl.api.testing;

import io.labctl.api.Sealer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sealer for capability tests: seals as {@code sealed:PURPOSE:SHA-256} and keeps the plaintext aside, so a test
 * sees exactly what reached the database and that it opens only under its own purpose.
 */
public final class MarkingSealer implements Sealer {
    private final Map<String, byte[]> kept = new ConcurrentHashMap<>();

    @Override
    public byte[] seal(byte[] plaintext, String purpose) {
        try {
            String mark = "sealed:" + purpose + ":"
                    + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plaintext));
            kept.put(mark, plaintext.clone());
            return mark.getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public byte[] open(byte[] sealed, String purpose) {
        String mark = new String(sealed, StandardCharsets.UTF_8);
        if (!mark.startsWith("sealed:" + purpose + ":") || !kept.containsKey(mark)) {
            throw new IllegalStateException("does not open under " + purpose);
        }
        return kept.get(mark).clone();
    }
}
