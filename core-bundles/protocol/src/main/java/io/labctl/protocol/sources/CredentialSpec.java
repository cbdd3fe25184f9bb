package io.labctl.protocol.sources;

/**
 * What {@code labctl create credential} sends: a name, its kind ({@link CredentialInfo#TOKEN} or
 * {@link CredentialInfo#SSH_KEY}) and the secret, which labd seals with its master key and never shows again.
 */
public record CredentialSpec(String name, String kind, String secret) {
    @Override
    public String toString() {
        return "CredentialSpec[name=" + name + ", kind=" + kind + ", secret=******]";
    }
}
