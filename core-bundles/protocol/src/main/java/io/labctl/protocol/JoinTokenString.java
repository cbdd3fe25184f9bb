package io.labctl.protocol;

import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The one string an operator hands to a new machine: {@code lab1.<id>.<secret>.<ca-pin>}. The id names the
 * token row, the secret proves possession (labd keeps only its hash), and the pin is the SHA-256 of the CA
 * certificate, so the agent can verify labd before it sends the secret (as kubeadm's discovery hash does).
 */
public record JoinTokenString(String id, String secret, String caPin) {
    public static final String PREFIX = "lab1";
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Pattern PIN = Pattern.compile("[0-9a-f]{64}");

    public JoinTokenString {
        check(ID.matcher(id).matches(), "its id part is not 32 hex digits");
        check(SECRET.matcher(secret).matches(), "its secret part is not 43 base64url characters");
        check(PIN.matcher(caPin).matches(), "its CA pin is not a SHA-256 in hex");
    }

    /** Parses a token string, with a message that says what is wrong with it. */
    public static JoinTokenString parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("join token is empty; ask an admin for one (labctl create token)");
        }
        String[] parts = text.strip().split("\\.");
        check(parts.length == 4 && PREFIX.equals(parts[0]),
                "it must look like lab1.<id>.<secret>.<ca-pin>, as printed by 'labctl create token'");
        return new JoinTokenString(parts[1], parts[2], parts[3]);
    }

    /** The id of a token from its UUID form (dashes dropped). */
    public static String idOf(java.util.UUID uuid) {
        return uuid.toString().replace("-", "");
    }

    public java.util.UUID uuid() {
        return java.util.UUID.fromString(id.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
    }

    public byte[] caPinBytes() {
        return HexFormat.of().parseHex(caPin);
    }

    @Override
    public String toString() {
        return PREFIX + "." + id + "." + secret + "." + caPin;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException("malformed join token: " + what);
        }
    }
}
