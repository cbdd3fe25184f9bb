package io.labctl.cli.config;

import io.labctl.cli.CliException;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.http.LabdClient;
import io.labctl.protocol.Api;
import io.labctl.protocol.EnrolResponse;
import io.labctl.protocol.Pem;
import io.labctl.protocol.RenewRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * Renews the user certificate of one labctl context: a new key pair made here, a CSR signed by it, labd's
 * {@code POST /api/v1/auth/renew}, then the new certificate and key written into the config file in place of the
 * old ones (atomically, owner-only: until the rename the file holds the old pair, which stays valid until it
 * expires). The old key is not kept anywhere.
 */
public final class CertificateRenewal {
    private CertificateRenewal() {}

    /** What a renewal changed. */
    public record Renewed(ContextEntry context, Instant previousExpiry, Instant expiry) {}

    /** Due when a third or less of the certificate's lifetime is left (as lab-agents renew theirs). */
    public static boolean isDue(String certificatePem, Instant now) {
        X509Certificate c = Pem.certificate(certificatePem);
        Instant from = c.getNotBefore().toInstant();
        Instant to = c.getNotAfter().toInstant();
        Duration third = Duration.between(from, to).dividedBy(3);
        return !now.isBefore(to.minus(third)) && now.isBefore(to);
    }

    /** Renews the context's certificate through labd and saves it into the config file; labd's refusal is thrown. */
    public static Renewed renew(ContextEntry context, Path configFile, String sessionId) {
        X509Certificate current = Pem.certificate(context.certificate());
        KeyPair keys;
        String csr;
        try {
            keys = CertificateRequest.newKeyPair();
            csr = CertificateRequest.pem(context.user(), keys);
        } catch (GeneralSecurityException e) {
            throw new CliException(ExitCodes.REFUSED, "cannot make a key pair for the renewal: " + e.getMessage(), e);
        }
        EnrolResponse answer = LabdClient.forContext(context, sessionId)
                .post(Api.AUTH_RENEW, new RenewRequest(csr), EnrolResponse.class);
        X509Certificate renewed;
        try {
            renewed = Pem.certificate(answer.certificate());
        } catch (RuntimeException e) {
            throw new CliException(ExitCodes.REFUSED, "labd answered the renewal without a usable certificate", e);
        }
        if (!renewed.getPublicKey().equals(keys.getPublic())) {
            throw new CliException(ExitCodes.REFUSED, "labd's renewed certificate is not for the key labctl sent;"
                    + " the config was left as it was");
        }
        ContextEntry updated = new ContextEntry(context.name(), context.server(), context.user(),
                context.caCertificate(), Pem.certificate(renewed), Pem.privateKey(keys.getPrivate()));
        try {
            // re-read: another context may have changed since this one was loaded
            ConfigStore.save(configFile, ConfigStore.load(configFile).withContext(updated));
        } catch (IOException e) {
            throw new CliException(ExitCodes.REFUSED, "labd renewed the certificate but labctl cannot write " + configFile
                    + " (" + e.getMessage() + "); the old certificate stays in use until "
                    + current.getNotAfter().toInstant() + ", run 'labctl auth renew' again", e);
        }
        return new Renewed(updated, current.getNotAfter().toInstant(), renewed.getNotAfter().toInstant());
    }
}
