package io.labctl.api;

import org.osgi.annotation.versioning.ProviderType;

/** Seals small secrets with labd's master key (AES-GCM; purpose is the associated data). */
@ProviderType
public interface Sealer {
    byte[] seal(byte[] plaintext, String purpose);

    /** Throws IllegalStateException for a wrong purpose or key. */
    byte[] open(byte[] sealed, String purpose);
}
