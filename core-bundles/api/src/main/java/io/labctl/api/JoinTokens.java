package io.labctl.api;

import io.labctl.protocol.IssuedToken;
import io.labctl.protocol.JoinTokenString;
import io.labctl.protocol.TokenInfo;
import io.labctl.protocol.TokenSpec;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.osgi.annotation.versioning.ProviderType;

/** Join tokens: minted by admins, redeemed once (or many times, if reusable) by enrolling agents. */
@ProviderType
public interface JoinTokens {

    /** What a redeemed token grants the server that enrols with it. */
    record Grant(UUID tokenId, String cloud, String environment, String role, Map<String, String> labels) {}

    /**
     * Mints a token for the caller, who needs manage on its scope; the request must pass
     * {@link TokenSpec#validated()} (400 naming the field otherwise).
     */
    IssuedToken create(Identity caller, TokenSpec spec);

    /**
     * Mints a token for one of labd's own capabilities (provisioning's installer tokens), which no user asked for:
     * the same rules for the request, no access check. createdBy names the capability.
     */
    IssuedToken create(TokenSpec spec, String createdBy);

    /**
     * What a token reaches, for access decisions: the servers that may enrol with it. An unset cloud or environment
     * stands for servers without one (which only {@code *} rules reach); no server name means any server there.
     */
    static Permission scope(Action action, String cloud, String environment, String server) {
        return Permission.on(action, blankToNull(cloud), blankToNull(environment),
                server == null || server.isBlank() ? Permission.ANY : server.strip());
    }

    static Permission scope(Action action, TokenInfo token) {
        return scope(action, token.cloud(), token.environment(), token.server());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** The tokens whose scope the caller may read. */
    List<TokenInfo> list(Identity caller);

    /** Finds a token by id or unique id prefix (at least 6 characters); 404 or 400 (ambiguous) otherwise. */
    TokenInfo find(String idOrPrefix);

    /** Revokes by id or unique id prefix (at least 6 characters); the caller needs manage on the token's scope. */
    TokenInfo revoke(Identity caller, String idOrPrefix);

    /** Revokes a token that one of labd's own capabilities minted ({@link #create(TokenSpec, String)}). */
    TokenInfo revoke(String idOrPrefix);

    /**
     * Checks the secret, expiry, revocation and name scope, and consumes one use atomically: of two agents racing
     * for a one-time token exactly one gets a grant. Joins the caller's database transaction, so a failure later in
     * the same enrolment gives the use back.
     */
    Grant redeem(JoinTokenString token, String serverName);
}
