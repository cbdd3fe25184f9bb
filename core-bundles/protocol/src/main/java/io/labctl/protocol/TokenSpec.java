package io.labctl.protocol;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Request to mint a join token. The lifetime is ttlSeconds; absent, it is {@link #DEFAULT_TTL}. A token that never
 * expires must be asked for explicitly with neverExpires (and no ttlSeconds), so that a forgotten field cannot mint
 * one. The scope fields are optional and are stamped onto every server that enrols with the token. server, when
 * set, is the only name that may enrol.
 */
public record TokenSpec(boolean reusable, Long ttlSeconds, boolean neverExpires, String cloud, String environment,
                        String role, Map<String, String> labels, String server, String description) {
    /** The lifetime of a token whose request names none: that of 'labctl create token' without --ttl. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);
    /** Longest lifetime a token may be given; reusable tokens for autoscaling groups still expire within a year. */
    public static final Duration MAX_TTL = Duration.ofDays(366);
    /** What --ttl takes, in the CLI and the shell, for a token that never expires. */
    public static final String NEVER = "never";

    /** A token with a lifetime (null: {@link #DEFAULT_TTL}) that does expire. */
    public TokenSpec(boolean reusable, Long ttlSeconds, String cloud, String environment, String role,
                     Map<String, String> labels, String server, String description) {
        this(reusable, ttlSeconds, false, cloud, environment, role, labels, server, description);
    }

    /**
     * The lifetime this request asks for, empty for a token that never expires.
     *
     * @throws IllegalArgumentException when ttlSeconds is out of range or contradicts neverExpires
     */
    public Optional<Duration> lifetime() {
        if (neverExpires) {
            if (ttlSeconds != null) {
                throw new IllegalArgumentException("give either ttlSeconds or neverExpires, not both");
            }
            return Optional.empty();
        }
        if (ttlSeconds == null) {
            return Optional.of(DEFAULT_TTL);
        }
        if (ttlSeconds < 1 || ttlSeconds > MAX_TTL.getSeconds()) {
            throw new IllegalArgumentException("token ttl must be between 1s and " + MAX_TTL.toDays()
                    + "d; for a token that never expires, ask for it explicitly (--ttl " + NEVER + ")");
        }
        return Optional.of(Duration.ofSeconds(ttlSeconds));
    }

    /**
     * Parses a --ttl value: a positive duration up to {@link #MAX_TTL}, or {@link #NEVER} (empty).
     *
     * @throws IllegalArgumentException for anything else, blank included
     */
    public static Optional<Duration> parseTtl(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("ttl is empty; use e.g. 10m, 24h or 7d, or '" + NEVER + "'");
        }
        if (NEVER.equalsIgnoreCase(text.strip())) {
            return Optional.empty();
        }
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (or '" + NEVER + "')");
        }
        if (d.toSeconds() < 1 || d.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl '" + text + "' must be between 1s and " + MAX_TTL.toDays()
                    + "d; use e.g. 10m or 24h, or '" + NEVER + "'");
        }
        return Optional.of(d);
    }

    /** A request for a token of this lifetime (empty: one that never expires). */
    public static TokenSpec withLifetime(boolean reusable, Optional<Duration> lifetime, String cloud,
                                         String environment, String role, Map<String, String> labels,
                                         String server, String description) {
        return new TokenSpec(reusable, lifetime.map(Duration::toSeconds).orElse(null), lifetime.isEmpty(), cloud,
                environment, role, labels, server, description);
    }
}
