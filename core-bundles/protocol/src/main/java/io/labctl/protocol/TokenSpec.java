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

    /** Most labels a token carries. */
    public static final int MAX_LABELS = 64;
    /** Longest description, in characters. */
    public static final int MAX_DESCRIPTION = 512;

    /**
     * The one set of rules for a token request, which the CLI, the shell and labd all apply: cloud, environment, role
     * and server are names ({@link Names}; messages call them env, cloud, role and server, as the flags do); given
     * empty is refused (an unset variable is not the same as leaving the field out, which makes a token for servers
     * without one); labels follow the selector grammar, at most {@link #MAX_LABELS}; the description is at most
     * {@link #MAX_DESCRIPTION} characters; the lifetime as {@link #lifetime()} says.
     *
     * @return this request with its names stripped of surrounding blanks
     * @throws InvalidInput naming the field and the fix
     */
    public TokenSpec validated() {
        String c = scopeName("cloud", cloud);
        String e = scopeName("env", environment);
        String r = scopeName("role", role);
        String s = scopeName("server", server);
        Map<String, String> l = labels == null ? Map.of() : labels;
        if (l.size() > MAX_LABELS) {
            throw new InvalidInput("too-many-labels", null, "a token carries at most " + MAX_LABELS + " labels");
        }
        for (Map.Entry<String, String> label : l.entrySet()) {
            try {
                Selector.everything().and(label.getKey(), label.getValue());
            } catch (IllegalArgumentException ex) {
                throw new InvalidInput("invalid-label", "label", "label " + label.getKey() + "=" + label.getValue()
                        + " is not valid: " + ex.getMessage().replaceFirst("^selector '[^']*': ", ""));
            }
        }
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw new InvalidInput("too-long", "description", "description is longer than " + MAX_DESCRIPTION
                    + " characters");
        }
        try {
            lifetime();
        } catch (IllegalArgumentException ex) {
            throw new InvalidInput("invalid-ttl", null, ex.getMessage());
        }
        return new TokenSpec(reusable, ttlSeconds, neverExpires, c, e, r, labels, s, description);
    }

    private static String scopeName(String what, String value) {
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            throw new InvalidInput("empty-scope", what, what + " is empty; give a name or leave it out");
        }
        try {
            return Names.require(what, value.strip());
        } catch (IllegalArgumentException ex) {
            throw new InvalidInput("invalid-name", what, ex.getMessage());
        }
    }

    /** A request for a token of this lifetime (empty: one that never expires). */
    public static TokenSpec withLifetime(boolean reusable, Optional<Duration> lifetime, String cloud,
                                         String environment, String role, Map<String, String> labels,
                                         String server, String description) {
        return new TokenSpec(reusable, lifetime.map(Duration::toSeconds).orElse(null), lifetime.isEmpty(), cloud,
                environment, role, labels, server, description);
    }
}
