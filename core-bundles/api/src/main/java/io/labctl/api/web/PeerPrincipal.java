package io.labctl.api.web;

import io.labctl.api.Identity;
import java.security.Principal;
import java.security.cert.X509Certificate;
import org.osgi.annotation.versioning.ProviderType;

/** The verified client behind a request: its certificate and the identity it names. */
@ProviderType
public record PeerPrincipal(Identity identity, X509Certificate certificate, String remoteAddress) implements Principal {
    @Override
    public String getName() {
        return identity.toString();
    }
}
