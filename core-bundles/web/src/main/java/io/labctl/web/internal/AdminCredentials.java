package io.labctl.web.internal;

import io.labctl.api.CertificateAuthority;
import io.labctl.api.Identity;
import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes the first admin's credential bundle once, so a fresh labd can be reached with {@code labctl}. */
final class AdminCredentials {
    static final String FILE_NAME = "admin.labctl.yaml";
    static final Duration VALIDITY = Duration.ofDays(365);
    private static final Logger LOG = LoggerFactory.getLogger(AdminCredentials.class);

    private AdminCredentials() {}

    /** Returns the file written, or null when one was already there. */
    static Path writeIfAbsent(CertificateAuthority ca, Path etcDirectory, String advertiseUrl) throws IOException {
        Path file = etcDirectory.resolve(FILE_NAME);
        if (Files.exists(file)) {
            return null;
        }
        CertificateAuthority.KeyPairCertificate issued =
                ca.issueWithNewKey(new Identity(Identity.Kind.USER, Identity.ADMIN), VALIDITY);
        CredentialBundle.of(advertiseUrl, Identity.ADMIN, Pem.certificate(ca.caCertificate()),
                Pem.certificate(issued.certificate()), Pem.privateKey(issued.privateKey())).write(file);
        LOG.info("wrote the admin credential bundle to {} (owner-only); import it with 'labctl config import {}' "
                + "and keep it secret", file, file);
        return file;
    }
}
