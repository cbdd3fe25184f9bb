package io.labctl.ca.internal;

import io.labctl.api.ApiException;
import io.labctl.api.CertificateAuthority;
import io.labctl.api.Identity;
import io.labctl.ca.internal.CertificateMaker.LeafPurpose;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.protocol.Pem;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x509.GeneralName;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** labd's certificate authority: one root CA shared through the database by every labd instance. */
@Component(service = CertificateAuthority.class, configurationPid = "io.labctl.ca",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = CaConfig.class)
public final class CertificateAuthorityService implements CertificateAuthority {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateAuthorityService.class);

    /** subject_name is VARCHAR(253) in the schema. */
    static final int MAX_NAME_LENGTH = 253;

    private final CaStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final CertificateMaker maker;
    private final CaMaterial ca;
    private final String caPin;
    private final RevocationCache revoked = new RevocationCache();
    private final ScheduledExecutorService refresher;

    @Activate
    public CertificateAuthorityService(@Reference Database database,
            // present once the ca schema is current: the component waits for its migrations
            @Reference(target = "(labctl.schema=ca)") Schema schema, CaConfig config) {
        this(new MyBatisCaStore(database.sessions(MyBatisCaStore.MAPPERS)), CaSettings.of(config), Clock.systemUTC());
    }

    CertificateAuthorityService(CaStore store, CaSettings settings, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.maker = new CertificateMaker(random);
        try {
            this.ca = new RootCaBootstrap(store, settings.masterKeyFile(), random)
                    .openOrCreate(settings.caValidityYears(), clock.instant());
        } catch (IllegalStateException e) {
            LOG.error("certificate authority not started: {}", e.getMessage());
            throw e;
        }
        this.caPin = Pem.sha256Hex(ca.certificate());
        refreshRevocations();
        this.refresher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "labctl-ca-revocations");
            thread.setDaemon(true);
            return thread;
        });
        long period = settings.revocationRefresh().toMillis();
        refresher.scheduleWithFixedDelay(this::refreshRevocationsQuietly, period, period, TimeUnit.MILLISECONDS);
        LOG.info("certificate authority ready: {} (pin {}), valid until {}; {} revoked serials known",
                ca.certificate().getSubjectX500Principal().getName(), caPin, ca.certificate().getNotAfter().toInstant(),
                revoked.size());
    }

    @Deactivate
    void close() {
        refresher.shutdownNow();
    }

    /** Learns revocations made by other labd instances. */
    void refreshRevocations() {
        Instant now = clock.instant();
        revoked.addAll(store.revokedUnexpired(now));
        revoked.pruneExpired(now);
    }

    private void refreshRevocationsQuietly() {
        try {
            refreshRevocations();
        } catch (RuntimeException e) {
            // keep what is known; the next round tries again
            LOG.warn("could not read revocations from the database (will retry): {}", e.getMessage());
        }
    }

    @Override
    public X509Certificate caCertificate() {
        return ca.certificate();
    }

    @Override
    public String caPin() {
        return caPin;
    }

    @Override
    public VerifiedCsr verify(String csrPem) {
        return CsrVerifier.verify(csrPem);
    }

    @Override
    public X509Certificate issue(VerifiedCsr csr, Identity identity, Duration validity) {
        Objects.requireNonNull(csr, "csr");
        if (!(csr instanceof VerifiedRequest)) {
            // the key must have been proven by verify(), not merely wrapped by a caller
            throw new IllegalArgumentException("issue() takes only a CSR returned by verify()");
        }
        return issueAndRecord(csr.publicKey(), identity, validity, LeafPurpose.CLIENT, List.of());
    }

    @Override
    public X509Certificate renew(String csrPem, Identity identity, Duration validity) {
        VerifiedCsr csr = verify(csrPem);
        if (!identity.name().equals(csr.requestedName())) {
            throw ApiException.badRequest("csr-name-mismatch", "the CSR asks for CN=" + csr.requestedName()
                    + " but the certificate being renewed belongs to " + identity + "; they must be the same");
        }
        return issue(csr, identity, validity);
    }

    @Override
    public KeyPairCertificate issueWithNewKey(Identity identity, Duration validity) {
        KeyPair keyPair = EcKeys.newP256(random);
        X509Certificate certificate = issueAndRecord(keyPair.getPublic(), identity, validity, LeafPurpose.CLIENT, List.of());
        return new KeyPairCertificate(certificate, keyPair.getPrivate());
    }

    @Override
    public KeyPairCertificate serverCertificate(String hostName, List<String> subjectAltNames, Duration validity) {
        if (hostName == null || hostName.isBlank()) {
            throw new IllegalArgumentException("a server certificate needs labd's host name");
        }
        List<GeneralName> altNames = SubjectAltNames.of(hostName, subjectAltNames);
        KeyPair keyPair = EcKeys.newP256(random);
        X509Certificate certificate = issueAndRecord(keyPair.getPublic(), new Identity(Identity.Kind.LABD, hostName.strip()),
                validity, LeafPurpose.SERVER, altNames);
        return new KeyPairCertificate(certificate, keyPair.getPrivate());
    }

    private X509Certificate issueAndRecord(PublicKey publicKey, Identity identity, Duration validity,
                                           LeafPurpose purpose, List<GeneralName> altNames) {
        Objects.requireNonNull(identity, "identity");
        if (identity.kind() == null || identity.name() == null || identity.name().isBlank()) {
            throw new IllegalArgumentException("a certificate needs an identity with a kind and a name, got " + identity);
        }
        if (identity.name().length() > MAX_NAME_LENGTH) {
            throw ApiException.badRequest("invalid-name", "the name '" + identity.name().substring(0, 40) + "…' is "
                    + identity.name().length() + " characters long; names of at most " + MAX_NAME_LENGTH + " are accepted");
        }
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw ApiException.badRequest("invalid-validity", "certificate validity must be positive, got " + validity);
        }
        Instant now = clock.instant();
        Instant notAfter = now.plus(validity);
        Instant caNotAfter = ca.certificate().getNotAfter().toInstant();
        if (notAfter.isAfter(caNotAfter)) {
            // a leaf outliving its CA would fail path validation anyway; cap it
            notAfter = caNotAfter;
        }
        // backdated for clock skew, but by no more than a tenth of the validity: holders renew when a third of
        // notBefore..notAfter is left, and a long backdate would make a short-lived certificate due at once
        java.time.Duration backdate = validity.dividedBy(10).compareTo(RootCaBootstrap.BACKDATE) < 0
                ? validity.dividedBy(10) : RootCaBootstrap.BACKDATE;
        X509Certificate certificate = maker.leaf(ca.certificate(), ca.privateKey(), publicKey, identity.subject(),
                now.minus(backdate), notAfter, purpose, altNames);
        // recorded before it is handed out: a certificate nobody knows about could never be revoked by identity
        store.recordCertificate(new CertificateRow(serialHex(certificate.getSerialNumber()), identity.kind().unit(),
                identity.name(), certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(),
                Pem.sha256Hex(certificate)));
        LOG.info("issued certificate {} for {} valid until {}", serialHex(certificate.getSerialNumber()), identity,
                certificate.getNotAfter().toInstant());
        return certificate;
    }

    @Override
    public boolean revoke(BigInteger serial, String reason) {
        Objects.requireNonNull(serial, "serial");
        return store.revoke(serialHex(serial), reasonOrDefault(reason), clock.instant())
                .map(row -> {
                    revoked.add(row);
                    LOG.info("revoked certificate {}: {}", row.serial, reasonOrDefault(reason));
                    return true;
                })
                .orElse(false);
    }

    @Override
    public int revokeAll(Identity identity, String reason) {
        Objects.requireNonNull(identity, "identity");
        List<RevokedRow> rows = store.revokeAll(identity.kind().unit(), identity.name(), reasonOrDefault(reason), clock.instant());
        revoked.addAll(rows);
        if (!rows.isEmpty()) {
            LOG.info("revoked {} certificates of {}: {}", rows.size(), identity, reasonOrDefault(reason));
        }
        return rows.size();
    }

    @Override
    public boolean isRevoked(BigInteger serial) {
        return revoked.isRevoked(serial);
    }

    @Override
    public List<IssuedCertificate> certificatesOf(Identity identity) {
        Objects.requireNonNull(identity, "identity");
        return store.certificatesOf(identity.kind().unit(), identity.name()).stream()
                .map(row -> new IssuedCertificate(new BigInteger(row.serial, 16), identity, row.notBefore, row.notAfter,
                        row.revokedAt))
                .toList();
    }

    static String serialHex(BigInteger serial) {
        return serial.toString(16);
    }

    private static String reasonOrDefault(String reason) {
        return reason == null || reason.isBlank() ? "unspecified" : reason.strip();
    }
}
