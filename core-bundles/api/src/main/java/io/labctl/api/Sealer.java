package io.labctl.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Seals small secrets (such as a module's secret inputs) with labd's master key, so that the database never holds
 * them in clear. AES-GCM; the purpose (e.g. {@code module-input:k3s-server:token}) is its associated data: it is not
 * stored, and the sealed bytes open only under the same purpose, so a sealed value copied to another place does not
 * open there. Every labd instance on one database shares the master key file, so each can open what another sealed.
 */
@ProviderType
public interface Sealer {

    /** The sealed form of {@code plaintext}, bound to {@code purpose} (not blank). */
    byte[] seal(byte[] plaintext, String purpose);

    /**
     * The plaintext of what {@link #seal} made under the same purpose. Another purpose, another master key or a
     * changed byte throws {@link IllegalStateException}.
     */
    byte[] open(byte[] sealed, String purpose);
}
