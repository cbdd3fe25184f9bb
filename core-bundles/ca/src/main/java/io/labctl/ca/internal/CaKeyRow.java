package io.labctl.ca.internal;

/** A row of {@code ca_keys}: the CA certificate and its private key sealed under the master key. */
public class CaKeyRow {
    public String name;
    public String certificatePem;
    public byte[] sealedKey;
    public String keyCheck;

    public CaKeyRow() {}

    CaKeyRow(String name, String certificatePem, byte[] sealedKey, String keyCheck) {
        this.name = name;
        this.certificatePem = certificatePem;
        this.sealedKey = sealedKey;
        this.keyCheck = keyCheck;
    }
}
