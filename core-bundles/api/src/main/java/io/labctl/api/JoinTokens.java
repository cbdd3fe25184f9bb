package io.labctl.api;

import io.labctl.protocol.IssuedToken;
import io.labctl.protocol.JoinTokenString;
import io.labctl.protocol.TokenInfo;
import io.labctl.protocol.TokenSpec;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Join tokens: minted by admins, redeemed once (or many times, if reusable) by enrolling agents. */
public interface JoinTokens {

    /** What a redeemed token grants the server that enrols with it. */
    record Grant(UUID tokenId, String cloud, String environment, String role, Map<String, String> labels) {}

    IssuedToken create(TokenSpec spec, String createdBy);

    List<TokenInfo> list();

    /** Revokes by id or unique id prefix (at least 6 characters). */
    TokenInfo revoke(String idOrPrefix);

    /**
     * Checks the secret, expiry, revocation and name scope, and consumes one use atomically: of two agents racing
     * for a one-time token exactly one gets a grant. Joins the caller's database transaction, so a failure later in
     * the same enrolment gives the use back.
     */
    Grant redeem(JoinTokenString token, String serverName);
}
