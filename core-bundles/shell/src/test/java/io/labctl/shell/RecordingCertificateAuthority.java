package io.labctl.shell;

import io.labctl.api.CertificateAuthority;
import io.labctl.api.Identity;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/** Test double of {@link CertificateAuthority}: only revokeAll, which writes to a shared event log. */
public final class RecordingCertificateAuthority implements CertificateAuthority {
    public final List<String> events;
    int certificatesPerIdentity = 2;

    public RecordingCertificateAuthority(List<String> events) {
        this.events = events;
    }

    @Override
    public int revokeAll(Identity identity, String reason) {
        events.add("revoke " + identity + " (" + reason + ")");
        return certificatesPerIdentity;
    }

    @Override
    public X509Certificate caCertificate() {
        throw new UnsupportedOperationException();
    }

    @Override
    public String caPin() {
        throw new UnsupportedOperationException();
    }

    @Override
    public VerifiedCsr verify(String csrPem) {
        throw new UnsupportedOperationException();
    }

    @Override
    public X509Certificate renew(String csrPem, Identity identity, Duration validity) {
        throw new UnsupportedOperationException();
    }

    @Override
    public X509Certificate issue(VerifiedCsr csr, Identity identity, Duration validity) {
        throw new UnsupportedOperationException();
    }

    @Override
    public KeyPairCertificate issueWithNewKey(Identity identity, Duration validity) {
        throw new UnsupportedOperationException();
    }

    @Override
    public KeyPairCertificate serverCertificate(String hostName, List<String> subjectAltNames, Duration validity) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean revoke(BigInteger serial, String reason) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isRevoked(BigInteger serial) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<IssuedCertificate> certificatesOf(Identity identity) {
        throw new UnsupportedOperationException();
    }
}
