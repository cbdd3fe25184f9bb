package io.labctl.sources.internal;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.Sealer;
import io.labctl.api.access.AccessDecisions;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.persistence.Sessions;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.sources.CredentialInfo;
import io.labctl.protocol.sources.CredentialSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Credentials for private git repositories: an HTTPS token or an SSH private key, sealed with labd's master key
 * (purpose {@code credential:NAME}) before it reaches the database, opened only for a clone, never shown again.
 * Every operation needs admin everywhere.
 */
@Component(service = CredentialService.class)
public final class CredentialService {
    static final Permission ADMIN = Permission.everywhere(Action.ADMIN);
    /** An SSH key or a token is a few KiB at most; anything bigger is the wrong file. */
    static final int MAX_SECRET_BYTES = 16 * 1024;

    private final Sealer sealer;
    private final Sessions sessions;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AccessDecisions decisions;

    @Activate
    public CredentialService(@Reference Database database, @Reference Sealer sealer,
            @Reference(target = "(labctl.schema=sources)") Schema schema) {
        this(database, sealer);
    }

    CredentialService(Database database, Sealer sealer) {
        this.sealer = sealer;
        this.sessions = database.sessions(SourcesMapper.class);
    }

    public CredentialInfo create(Identity caller, CredentialSpec spec) {
        access().require(caller, ADMIN);
        if (spec == null) {
            throw ApiException.badRequest("missing-body", "send a JSON credential: name, kind (token or ssh-key), secret");
        }
        String name = validName(spec.name());
        String kind = spec.kind();
        if (!CredentialInfo.TOKEN.equals(kind) && !CredentialInfo.SSH_KEY.equals(kind)) {
            throw ApiException.badRequest("invalid-credential-kind", "credential kind '" + kind + "' is not known: use "
                    + CredentialInfo.TOKEN + " (labctl create credential NAME --token-file F) or " + CredentialInfo.SSH_KEY
                    + " (--ssh-key F)");
        }
        String secret = spec.secret() == null ? "" : spec.secret();
        if (CredentialInfo.TOKEN.equals(kind)) {
            secret = secret.strip();
        }
        if (secret.isBlank()) {
            throw ApiException.badRequest("empty-secret", "the credential's secret is empty: give a file that holds the "
                    + (CredentialInfo.TOKEN.equals(kind) ? "token" : "private key"));
        }
        if (secret.getBytes(StandardCharsets.UTF_8).length > MAX_SECRET_BYTES) {
            throw ApiException.badRequest("secret-too-large", "the credential's secret is larger than "
                    + (MAX_SECRET_BYTES / 1024) + " KiB: is it the right file?");
        }
        if (CredentialInfo.TOKEN.equals(kind) && secret.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            throw ApiException.badRequest("invalid-token", "a token is one line without spaces or control characters;"
                    + " the file holds more: give a file with the token alone");
        }
        if (CredentialInfo.SSH_KEY.equals(kind) && !secret.strip().startsWith("-----BEGIN ")) {
            throw ApiException.badRequest("invalid-ssh-key", "the file is not a private key in PEM or OpenSSH format"
                    + " (it should start with '-----BEGIN '): give the private key file, such as ~/.ssh/id_ed25519");
        }
        CredentialRow row = new CredentialRow();
        row.name = name;
        row.kind = kind;
        row.sealed = sealer.seal(secret.getBytes(StandardCharsets.UTF_8), purpose(name));
        row.createdBy = caller.name();
        if (sessions.mapper(SourcesMapper.class, m -> m.insertCredential(row)) == 0) {
            throw ApiException.conflict("credential-exists", "a credential named " + name + " exists already: delete it"
                    + " first (labctl delete credential/" + name + ") or choose another name");
        }
        return info(sessions.mapper(SourcesMapper.class, m -> m.credential(name)), List.of());
    }

    public List<CredentialInfo> list(Identity caller) {
        access().require(caller, ADMIN);
        return sessions.mapper(SourcesMapper.class, m -> m.credentials().stream()
                .map(r -> info(r, m.sourcesUsing(r.name))).toList());
    }

    /** Refused while a module source clones with it: deleting it would break that source's next update. */
    public CredentialInfo delete(Identity caller, String name) {
        access().require(caller, ADMIN);
        validName(name);
        return sessions.mapper(SourcesMapper.class, m -> {
            CredentialRow row = m.credential(name);
            if (row == null) {
                throw notFound(name);
            }
            List<String> users = m.sourcesUsing(name);
            if (!users.isEmpty()) {
                throw ApiException.conflict("credential-in-use", "credential " + name + " is used by the module sources "
                        + String.join(", ", users) + " and stays; remove those sources first ('labctl delete source/NAME')");
            }
            m.deleteCredential(name);
            return info(row, List.of());
        });
    }

    /** The kind and clear secret of a credential: only for a clone, never returned to a caller. */
    Opened open(String name) {
        CredentialRow row = sessions.mapper(SourcesMapper.class, m -> m.credential(name));
        if (row == null) {
            throw notFound(name);
        }
        return new Opened(row.kind, new String(sealer.open(row.sealed, purpose(name)), StandardCharsets.UTF_8));
    }

    /** 404 when there is no credential NAME. */
    void requireExists(String name) {
        if (sessions.mapper(SourcesMapper.class, m -> m.credential(name)) == null) {
            throw notFound(name);
        }
    }

    record Opened(String kind, String secret) {
        @Override
        public String toString() {
            return "Opened[kind=" + kind + ", secret=******]";
        }
    }

    static String purpose(String name) {
        return "credential:" + name;
    }

    private static String validName(String name) {
        try {
            return CredentialInfo.requireName(name);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-credential-name", e.getMessage());
        }
    }

    private static ApiException notFound(String name) {
        return ApiException.notFound("credential-not-found", "no credential named " + name
                + "; see 'labctl get credentials', or create it with 'labctl create credential " + name
                + " --token-file F'");
    }

    private static CredentialInfo info(CredentialRow r, List<String> usedBy) {
        return new CredentialInfo(r.name, r.kind, r.createdBy, r.createdAt, usedBy);
    }

    private AccessDecisions access() {
        return AccessDecisions.present(decisions);
    }
}
