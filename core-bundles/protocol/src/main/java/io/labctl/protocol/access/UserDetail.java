package io.labctl.protocol.access;

import java.time.Instant;
import java.util.List;

/** describe user/NAME: the user, its effective rules (deny first) and its certificates. */
public record UserDetail(UserInfo user, List<EffectiveRule> rules, List<Certificate> certificates) {
    public record Certificate(String serial, Instant notBefore, Instant notAfter, Instant revokedAt) {}
}
