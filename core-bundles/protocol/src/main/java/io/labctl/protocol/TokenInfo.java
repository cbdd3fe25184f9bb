package io.labctl.protocol;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** A join token as listed: never the secret. state is one of active, used, expired, revoked. */
public record TokenInfo(String id, boolean reusable, String cloud, String environment, String role,
                        Map<String, String> labels, String server, String description, Instant createdAt,
                        Instant expiresAt, int uses, Instant lastUsedAt, Instant revokedAt, String state) {
    private static final Pattern ID_PREFIX = Pattern.compile("[0-9a-f]{6,32}");

    /**
     * The one rule for naming a token to find or revoke it, used by the CLI and labd: its id, or a unique prefix of at
     * least 6 hex digits (dashes ignored, as in the UUID form).
     *
     * @return the prefix as ids are stored: lower-case hex without dashes
     * @throws InvalidInput naming the fix
     */
    public static String idPrefix(String idOrPrefix) {
        String prefix = idOrPrefix == null ? "" : idOrPrefix.strip().replace("-", "").toLowerCase(Locale.ROOT);
        if (!ID_PREFIX.matcher(prefix).matches()) {
            throw new InvalidInput("invalid-token-id", null, "token id '" + idOrPrefix + "' is not valid: give the id"
                    + " (or a unique prefix of at least 6 hex digits) from 'labctl get tokens'");
        }
        return prefix;
    }
}
