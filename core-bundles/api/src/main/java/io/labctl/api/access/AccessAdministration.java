package io.labctl.api.access;

import io.labctl.api.Identity;
import io.labctl.protocol.access.AccessReviewResult;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.EffectiveRule;
import io.labctl.protocol.access.IssuedUser;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.access.RoleInfo;
import io.labctl.protocol.access.RoleSpec;
import io.labctl.protocol.access.UserDetail;
import io.labctl.protocol.access.UserInfo;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The administration of users, roles and bindings. Every call takes the caller and checks it itself (read or admin
 * everywhere for users, manage on every rule's scope for roles and bindings, no escalation, no self-change), so the
 * REST resources and shell commands that call it make no checks of their own.
 */
@ProviderType
public interface AccessAdministration {

    /** Every user; needs read everywhere. */
    List<UserInfo> users(Identity caller);

    /** One user with its effective rules and certificates; needs read everywhere. */
    UserDetail describeUser(Identity caller, String name);

    /** Creates a user and a client certificate with a fresh key pair that is returned, never stored. */
    IssuedUser createUser(Identity caller, String name, Duration certificateValidity, String serverUrl);

    /**
     * Renews the calling user's own certificate over the CSR's new key, valid for the given time (at most a
     * year). Refused for anyone but an existing user; a concurrent deletion either waits for the renewal and
     * revokes the new certificate too, or wins and the renewal is refused.
     */
    X509Certificate renewUser(Identity caller, String csrPem, Duration validity);

    /** Deletes a user, its bindings, and revokes its certificates (live connections are cut). */
    void deleteUser(Identity caller, String name);

    /** Every role; needs read everywhere. */
    List<RoleInfo> roles(Identity caller);

    RoleInfo createRole(Identity caller, RoleSpec spec);

    void deleteRole(Identity caller, String name);

    void bind(Identity caller, String role, String user);

    void unbind(Identity caller, String role, String user);

    /** Every rule of every role; needs read everywhere. */
    List<EffectiveRule> permissions(Identity caller);

    /** Answers can-i for the caller or, if asUser is set (needs admin everywhere), for another user. */
    AccessReviewResult review(Identity caller, Action action, Permission request, String asUser);
}
