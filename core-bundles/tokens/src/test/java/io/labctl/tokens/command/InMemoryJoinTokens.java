package io.labctl.tokens.command;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.JoinTokens;
import io.labctl.protocol.IssuedToken;
import io.labctl.protocol.JoinTokenString;
import io.labctl.protocol.TokenInfo;
import io.labctl.protocol.TokenSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Test double of {@link JoinTokens}: mints fixed ids and secrets and remembers what it was asked, and for whom. The
 * per-token checks are the real service's (TokenServiceTest).
 */
final class InMemoryJoinTokens implements JoinTokens {
    final List<TokenInfo> tokens = new ArrayList<>();
    final List<TokenSpec> specs = new ArrayList<>();
    final List<String> creators = new ArrayList<>();
    final List<String> revoked = new ArrayList<>();
    final List<Identity> listedFor = new ArrayList<>();
    Instant now = Instant.parse("2026-11-26T12:00:00Z");

    @Override
    public IssuedToken create(Identity caller, TokenSpec spec) {
        specs.add(spec);
        creators.add(caller.name());
        String id = "0f1e2d3c-0000-4000-8000-00000000000" + tokens.size();
        TokenInfo info = new TokenInfo(id, spec.reusable(), spec.cloud(), spec.environment(), spec.role(), spec.labels(),
                spec.server(), spec.description(), now,
                spec.lifetime().map(now::plus).orElse(null), 0, null, null, "active");
        tokens.add(info);
        return new IssuedToken(info, "lab1." + id + ".s3cret.pin");
    }

    @Override
    public IssuedToken create(TokenSpec spec, String createdBy) {
        throw new UnsupportedOperationException("the shell mints for its caller");
    }

    @Override
    public TokenInfo revoke(String idOrPrefix) {
        throw new UnsupportedOperationException("the shell revokes for its caller");
    }

    @Override
    public List<TokenInfo> list(Identity caller) {
        listedFor.add(caller);
        return tokens;
    }

    @Override
    public TokenInfo find(String idOrPrefix) {
        for (TokenInfo t : tokens) {
            if (t.id().startsWith(idOrPrefix)) {
                return t;
            }
        }
        throw ApiException.notFound("token-not-found", "no token " + idOrPrefix);
    }

    @Override
    public TokenInfo revoke(Identity caller, String idOrPrefix) {
        revoked.add(caller.name() + " " + idOrPrefix);
        for (TokenInfo t : tokens) {
            if (t.id().startsWith(idOrPrefix)) {
                return t;
            }
        }
        throw ApiException.notFound("token-not-found", "no token " + idOrPrefix);
    }

    @Override
    public Grant redeem(JoinTokenString token, String serverName) {
        throw new UnsupportedOperationException();
    }
}
