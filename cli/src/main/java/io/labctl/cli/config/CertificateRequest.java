package io.labctl.cli.config;

import io.labctl.protocol.Pem;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/**
 * A PKCS#10 certificate request (RFC 2986) for subject CN=NAME over a fresh EC P-256 key, signed with that key
 * (ECDSA with SHA-256): the DER is written here because the CLI carries no ASN.1 library, and this one shape is all
 * it ever asks for. labd takes only the CN and the key from it.
 */
public final class CertificateRequest {
    private static final byte[] COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};
    private static final byte[] ECDSA_WITH_SHA256 = {0x30, 0x0a, 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce,
            0x3d, 0x04, 0x03, 0x02};

    private CertificateRequest() {}

    /** A new P-256 key pair. */
    public static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** The PEM request for CN=name, signed by the key pair's private key. */
    public static String pem(String name, KeyPair keys) throws GeneralSecurityException {
        byte[] subject = tlv(0x30, tlv(0x31, tlv(0x30, COMMON_NAME, tlv(0x0c, name.getBytes(StandardCharsets.UTF_8)))));
        byte[] version = {0x02, 0x01, 0x00};
        byte[] noAttributes = {(byte) 0xa0, 0x00};
        byte[] info = tlv(0x30, version, subject, keys.getPublic().getEncoded(), noAttributes);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(keys.getPrivate());
        signer.update(info);
        byte[] signature = signer.sign();
        byte[] bitString = new byte[signature.length + 1]; // leading 0: no unused bits
        System.arraycopy(signature, 0, bitString, 1, signature.length);
        return Pem.encode("CERTIFICATE REQUEST", tlv(0x30, info, ECDSA_WITH_SHA256, tlv(0x03, bitString)));
    }

    /** One DER element: tag, definite length, and the parts as its content. */
    static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        int n = content.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n & 0xff);
        }
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }
}
