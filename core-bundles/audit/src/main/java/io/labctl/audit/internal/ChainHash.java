package io.labctl.audit.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * The hash that links a row to its predecessor: lower-case hex SHA-256 over a canonical encoding of
 * {@code "labctl-audit-v1"}, the previous row's hash ({@code ""} for seq 1), instance, seq, at (epoch microseconds),
 * username, session id, source, action, resource, result, duration in ms and error, in that order; then, only for a
 * row that has a detail, the detail and the SHA-256 of the whole detail (null unless the detail was cut). Rows
 * without a detail hash as they always did.
 *
 * <p>Each field is written as its UTF-8 byte length in decimal, {@code ':'}, the bytes and {@code ','}; a null
 * field is written as {@code "-,"}. Lengths make the encoding unambiguous (no separator can be forged inside a value)
 * and the dash keeps null apart from the empty string. Numbers are decimal text. Anyone can recompute the chain
 * from the table with this description alone.
 */
final class ChainHash {
    static final String VERSION = "labctl-audit-v1";
    private static final byte[] NULL = "-,".getBytes(StandardCharsets.US_ASCII);

    private ChainHash() {}

    static String of(String prevHash, AuditRow r) {
        MessageDigest md = sha256();
        field(md, VERSION);
        field(md, prevHash == null ? "" : prevHash);
        field(md, r.instance);
        field(md, Long.toString(r.seq));
        field(md, r.at == null ? null : Long.toString(micros(r.at)));
        field(md, r.username);
        field(md, r.sessionId);
        field(md, r.source);
        field(md, r.action);
        field(md, r.resource);
        field(md, r.result);
        field(md, r.durationMs == null ? null : Long.toString(r.durationMs));
        field(md, r.error);
        if (r.detail != null) {
            field(md, r.detail);
            field(md, r.detailSha256);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static long micros(Instant at) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, at);
    }

    private static void field(MessageDigest md, String value) {
        if (value == null) {
            md.update(NULL);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        md.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        md.update((byte) ':');
        md.update(bytes);
        md.update((byte) ',');
    }

    static String sha256Hex(String text) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
