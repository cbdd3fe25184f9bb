package io.labctl.cli.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.labctl.protocol.CredentialBundle;
import java.net.URI;

/** One way to reach one labd as one user: the server URL, the CA to trust, and the client certificate + key (PEM). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "server", "user", "caCertificate", "certificate", "privateKey"})
public record ContextEntry(String name, String server, String user, String caCertificate, String certificate,
                           String privateKey) {

    public static ContextEntry of(String name, CredentialBundle bundle) {
        return new ContextEntry(name, bundle.server(), bundle.user(), bundle.caCertificate(), bundle.certificate(),
                bundle.privateKey());
    }

    /** The name a bundle gets when the user picks none: {@code <user>@<server host>}. */
    public static String defaultName(CredentialBundle bundle) {
        String host;
        try {
            host = URI.create(bundle.server()).getHost();
        } catch (IllegalArgumentException e) {
            host = null;
        }
        String user = bundle.user() == null || bundle.user().isBlank() ? "user" : bundle.user();
        return user + "@" + (host == null ? bundle.server() : host);
    }
}
