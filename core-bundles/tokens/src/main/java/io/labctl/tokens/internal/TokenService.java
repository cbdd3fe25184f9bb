package io.labctl.tokens.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.api.ApiException;
import io.labctl.api.CertificateAuthority;
import io.labctl.api.Identity;
import io.labctl.api.JoinTokens;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.environments.Environments;
import io.labctl.persistence.Database;
import io.labctl.persistence.Sessions;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.IssuedToken;
import io.labctl.protocol.JoinTokenString;
import io.labctl.protocol.Json;
import io.labctl.protocol.TokenInfo;
import io.labctl.protocol.TokenSpec;
import io.labctl.persistence.Schema;
import io.labctl.protocol.access.Action;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Join tokens in the database: only a hash of each secret is stored; uses are consumed with one conditional UPDATE.
 * Minting, listing and revoking check the caller on each token's scope here, for REST and shell alike; enrolment
 * (redeem) needs no access control, so it is an optional reference and its absence refuses only the callers' calls.
 */
@Component(service = JoinTokens.class)
public class TokenService implements JoinTokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};

    private final Database database;
    private final Sessions sessions;
    private final CertificateAuthority ca;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AccessDecisions decisions;

    /** A user's token names an existing environment (a typo is an error); without the service such a token waits. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile Environments environments;

    @Activate
    public TokenService(@Reference Database database,
            // present once the tokens schema is current: the component waits for its migrations
            @Reference(target = "(labctl.schema=tokens)") Schema schema, @Reference CertificateAuthority ca) {
        this.database = database;
        this.ca = ca;
        this.sessions = database.sessions(TokenMapper.class);
    }

    @Override
    public IssuedToken create(Identity caller, TokenSpec request) {
        TokenSpec spec = inEnvironment(validated(request));
        decisions().require(caller, JoinTokens.scope(Action.MANAGE, spec.cloud(), spec.environment(), spec.server()));
        return mint(spec, caller.name());
    }

    @Override
    public IssuedToken create(TokenSpec request, String createdBy) {
        return mint(validated(request), createdBy);
    }

    /**
     * The request with the cloud of the environment it names (checked to exist; a cloud given must be that one).
     * Checked before access, so a typo reads as a typo. labd's own capabilities (installer tokens) pass the
     * environment of a bastion, which exists, and are not checked.
     */
    private TokenSpec inEnvironment(TokenSpec spec) {
        if (spec.environment() == null && spec.cloud() == null) {
            return spec;
        }
        String cloud = Environments.present(environments).cloudOf(spec.environment(), spec.cloud());
        return new TokenSpec(spec.reusable(), spec.ttlSeconds(), spec.neverExpires(), cloud, spec.environment(),
                spec.role(), spec.labels(), spec.server(), spec.description());
    }

    private static TokenSpec validated(TokenSpec request) {
        try {
            return request.validated();
        } catch (InvalidInput e) {
            throw ApiException.badRequest(e.code(), e.getMessage());
        }
    }

    private IssuedToken mint(TokenSpec spec, String createdBy) {
        TokenRow row = new TokenRow();
        row.id = UUID.randomUUID().toString();
        row.reusable = spec.reusable();
        row.cloud = spec.cloud();
        row.environment = spec.environment();
        row.role = spec.role();
        row.serverName = spec.server();
        row.labels = labelsJson(spec.labels());
        row.description = spec.description();
        row.createdBy = createdBy;
        Optional<Duration> lifetime = spec.lifetime();
        row.expiresAt = lifetime.map(d -> Instant.now().plus(d).truncatedTo(ChronoUnit.MILLIS)).orElse(null);
        byte[] secretBytes = new byte[32];
        RANDOM.nextBytes(secretBytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        row.secretHash = hash(secret);
        sessions.mapper(TokenMapper.class, m -> {
            m.insert(row);
            return null;
        });
        TokenRow stored = sessions.mapper(TokenMapper.class, m -> m.byId(row.id));
        JoinTokenString token = new JoinTokenString(JoinTokenString.idOf(UUID.fromString(row.id)), secret, ca.caPin());
        return new IssuedToken(info(stored), token.toString());
    }

    @Override
    public List<TokenInfo> list(Identity caller) {
        AccessDecisions access = decisions();
        return sessions.mapper(TokenMapper.class, TokenMapper::all).stream().map(TokenService::info)
                .filter(t -> access.decide(caller, JoinTokens.scope(Action.READ, t)).allowed()).toList();
    }

    @Override
    public TokenInfo find(String idOrPrefix) {
        return info(sessions.mapper(TokenMapper.class, m -> byIdOrPrefix(m, idOrPrefix)));
    }

    @Override
    public TokenInfo revoke(Identity caller, String idOrPrefix) {
        decisions().require(caller, JoinTokens.scope(Action.MANAGE, find(idOrPrefix)));
        return revoke(idOrPrefix);
    }

    @Override
    public TokenInfo revoke(String idOrPrefix) {
        return database.transaction(() -> sessions.mapper(TokenMapper.class, m -> {
            TokenRow row = byIdOrPrefix(m, idOrPrefix);
            m.revoke(row.id);
            return info(m.byId(row.id));
        }));
    }

    private static TokenRow byIdOrPrefix(TokenMapper m, String idOrPrefix) {
        String prefix;
        try {
            prefix = TokenInfo.idPrefix(idOrPrefix);
        } catch (InvalidInput e) {
            throw ApiException.badRequest(e.code(), e.getMessage());
        }
        List<TokenRow> rows = m.byPrefix(prefix + "%");
        if (rows.isEmpty()) {
            throw ApiException.notFound("token-not-found", "no join token with id " + idOrPrefix + "; see 'labctl get tokens'");
        }
        if (rows.size() > 1) {
            throw ApiException.badRequest("ambiguous-token-id", "more than one token id starts with " + idOrPrefix + "; give more digits");
        }
        return rows.get(0);
    }

    @Override
    public Grant redeem(JoinTokenString token, String serverName) {
        return database.transaction(() -> sessions.mapper(TokenMapper.class, m -> {
            TokenRow row = m.byId(token.uuid().toString());
            // An unknown id and a wrong secret look the same to the caller: neither tells a guesser anything.
            if (row == null || !MessageDigest.isEqual(row.secretHash.getBytes(StandardCharsets.US_ASCII),
                    hash(token.secret()).getBytes(StandardCharsets.US_ASCII))) {
                throw ApiException.unauthorized("token-invalid", "join token not recognised; ask an admin for a new one (labctl create token)");
            }
            if (row.revokedAt != null) {
                throw ApiException.unauthorized("token-revoked", "join token was revoked at " + time(row.revokedAt)
                        + "; ask an admin for a new one (labctl create token)");
            }
            if (row.expiresAt != null && !row.expiresAt.isAfter(Instant.now())) {
                throw ApiException.unauthorized("token-expired", "join token expired at " + time(row.expiresAt)
                        + "; ask an admin for a new one (labctl create token)");
            }
            if (!row.reusable && row.uses > 0) {
                throw ApiException.unauthorized("token-used", "join token was already used at " + time(row.lastUsedAt)
                        + "; one-time tokens enrol one server only. Ask an admin for a new one (labctl create token)");
            }
            if (row.serverName != null && !row.serverName.equals(serverName)) {
                throw ApiException.forbidden("name-out-of-scope", "this join token is for server '" + row.serverName
                        + "' only, not '" + serverName + "'; set the agent's name to " + row.serverName + " or ask for a token for " + serverName);
            }
            // the environment may have been deleted (or made anew under another cloud) since the token was made:
            // a server must not land in an environment that is not there
            Environments envs = Environments.present(environments);
            if (row.environment != null && !envs.find(row.environment).map(e -> e.cloud().equals(row.cloud))
                    .orElse(false)) {
                throw ApiException.forbidden("environment-gone", "this join token is for environment '"
                        + row.environment + "' (cloud " + row.cloud + "), which no longer exists there; ask an admin"
                        + " for a token for an existing environment (labctl get environments)");
            }
            if (m.consume(row.id) != 1) {
                throw ApiException.unauthorized("token-used", "join token was just used by another enrolment; one-time tokens enrol one server only");
            }
            return new Grant(UUID.fromString(row.id), row.cloud, row.environment, row.role, labels(row.labels));
        }));
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static TokenInfo info(TokenRow r) {
        Instant now = Instant.now();
        String state = r.revokedAt != null ? "revoked"
                : r.expiresAt != null && !r.expiresAt.isAfter(now) ? "expired"
                : !r.reusable && r.uses > 0 ? "used" : "active";
        return new TokenInfo(r.id.replace("-", ""), r.reusable, r.cloud, r.environment, r.role, labels(r.labels), r.serverName,
                r.description, r.createdAt, r.expiresAt, r.uses, r.lastUsedAt, r.revokedAt, state);
    }

    /** Labels were checked by {@link TokenSpec#validated()}. */
    private static String labelsJson(Map<String, String> labels) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        try {
            return Json.json().writeValueAsString(l);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> labels(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return Json.json().readValue(json, LABELS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("labels in the database are not a JSON object", e);
        }
    }

    private AccessDecisions decisions() {
        return AccessDecisions.present(decisions);
    }

    private static String time(Instant t) {
        return t == null ? "an earlier time" : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }
}
