package io.labctl.ca.internal;

import io.labctl.api.ApiException;
import io.labctl.protocol.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Checks a PEM PKCS#10 request: size, structure, an accepted key type, and the signature that proves the
 * requester holds the private key.
 */
final class CsrVerifier {
    static final int MAX_PEM_CHARS = 16 * 1024;
    static final int MIN_RSA_BITS = 2048;
    static final int MAX_RSA_BITS = 8192;
    private static final String CODE = "invalid-csr";
    private static final String HOW_TO = " Create a new one, for example: openssl req -new -newkey ec "
            + "-pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem -subj /CN=name";

    private CsrVerifier() {}

    static VerifiedRequest verify(String csrPem) {
        if (csrPem == null || csrPem.isBlank()) {
            throw invalid("no certificate signing request was sent; send one PEM 'CERTIFICATE REQUEST' block.");
        }
        if (csrPem.length() > MAX_PEM_CHARS) {
            throw invalid("the certificate signing request is " + csrPem.length() + " characters long; at most "
                    + MAX_PEM_CHARS + " are accepted. Send a single PEM 'CERTIFICATE REQUEST' block.");
        }
        PKCS10CertificationRequest csr = parse(csrPem);
        SubjectPublicKeyInfo keyInfo = csr.getSubjectPublicKeyInfo();
        checkKeyIsAccepted(keyInfo);
        PublicKey publicKey = publicKey(keyInfo);
        checkSignature(csr, publicKey);
        return new VerifiedRequest(commonName(csr), publicKey);
    }

    private static PKCS10CertificationRequest parse(String pem) {
        List<byte[]> blocks;
        try {
            blocks = new ArrayList<>(Pem.blocks(pem, "CERTIFICATE REQUEST"));
            blocks.addAll(Pem.blocks(pem, "NEW CERTIFICATE REQUEST")); // the older label some tools still write
        } catch (IllegalArgumentException e) {
            throw invalid("the PEM block's base64 content is damaged (" + e.getMessage() + ")." + HOW_TO);
        }
        if (blocks.isEmpty()) {
            throw invalid("no PEM 'CERTIFICATE REQUEST' block was found (it starts with "
                    + "-----BEGIN CERTIFICATE REQUEST-----)." + HOW_TO);
        }
        if (blocks.size() > 1) {
            throw invalid("found " + blocks.size() + " certificate signing requests; send exactly one.");
        }
        try {
            return new PKCS10CertificationRequest(blocks.get(0));
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle reports malformed ASN.1 both ways
            throw invalid("the certificate signing request is not valid PKCS#10 DER (" + e.getMessage() + ")." + HOW_TO);
        }
    }

    private static void checkKeyIsAccepted(SubjectPublicKeyInfo keyInfo) {
        ASN1ObjectIdentifier algorithm = keyInfo.getAlgorithm().getAlgorithm();
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            ASN1Encodable parameters = keyInfo.getAlgorithm().getParameters();
            if (SECObjectIdentifiers.secp256r1.equals(parameters) || SECObjectIdentifiers.secp384r1.equals(parameters)) {
                return;
            }
            throw invalid("the request's EC key is on curve " + (parameters instanceof ASN1ObjectIdentifier oid ? oid.getId() : "(explicit parameters)")
                    + ", which is not accepted; use P-256 (prime256v1) or P-384 (secp384r1)." + HOW_TO);
        }
        if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
            int bits;
            try {
                BigInteger modulus = RSAPublicKey.getInstance(keyInfo.parsePublicKey()).getModulus();
                bits = modulus.bitLength();
            } catch (IOException | RuntimeException e) {
                throw invalid("the request's RSA key cannot be read (" + e.getMessage() + ")." + HOW_TO);
            }
            if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
                throw invalid("the request's RSA key has " + bits + " bits; RSA keys of " + MIN_RSA_BITS + " to "
                        + MAX_RSA_BITS + " bits are accepted (EC P-256 is preferred)." + HOW_TO);
            }
            return;
        }
        throw invalid("the request's key type (" + algorithm.getId() + ") is not accepted; use EC P-256, EC P-384 "
                + "or RSA of at least " + MIN_RSA_BITS + " bits." + HOW_TO);
    }

    private static void checkSignature(PKCS10CertificationRequest csr, PublicKey publicKey) {
        boolean valid;
        try {
            // built from the JDK key: the JDK's providers know "EC"/"RSA" but not every key OID
            valid = csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey));
        } catch (OperatorCreationException e) {
            throw invalid("the request is signed with an algorithm labd does not support (" + e.getMessage() + "); "
                    + "sign it with SHA-256 ECDSA or SHA-256 RSA.");
        } catch (PKCSException | RuntimeException e) {
            valid = false; // a signature that does not even decode is simply not valid
        }
        if (!valid) {
            throw invalid("the request's signature does not verify: it was altered, or it was not signed with the "
                    + "private key that belongs to the public key it contains." + HOW_TO);
        }
    }

    private static PublicKey publicKey(SubjectPublicKeyInfo keyInfo) {
        String algorithm = X9ObjectIdentifiers.id_ecPublicKey.equals(keyInfo.getAlgorithm().getAlgorithm()) ? "EC" : "RSA";
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(keyInfo.getEncoded()));
        } catch (GeneralSecurityException | IOException e) {
            throw invalid("the request's public key cannot be read (" + e.getMessage() + ")." + HOW_TO);
        }
    }

    private static String commonName(PKCS10CertificationRequest csr) {
        RDN[] names = csr.getSubject().getRDNs(BCStyle.CN);
        if (names.length == 0 || names[0].getFirst() == null) {
            return null;
        }
        return names[0].getFirst().getValue() instanceof ASN1String text ? text.getString() : null;
    }

    private static ApiException invalid(String message) {
        return ApiException.badRequest(CODE, message);
    }
}
