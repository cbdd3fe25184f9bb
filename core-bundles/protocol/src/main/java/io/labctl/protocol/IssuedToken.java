package io.labctl.protocol;

/** A freshly minted token: the only time its secret is shown. */
public record IssuedToken(TokenInfo info, String token) {}
