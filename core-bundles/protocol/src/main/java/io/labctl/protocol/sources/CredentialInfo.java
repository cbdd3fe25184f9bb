package io.labctl.protocol.sources;

import io.labctl.protocol.Api;
import java.time.Instant;
import java.util.regex.Pattern;

/** A stored credential as labd shows it: never its secret. {@code usedBy} names the module sources that use it. */
public record CredentialInfo(String name, String kind, String createdBy, Instant createdAt, java.util.List<String> usedBy) {
    /** An HTTPS access token (sent as the password of HTTP basic authentication). */
    public static final String TOKEN = "token";
    /** An SSH private key (OpenSSH format). */
    public static final String SSH_KEY = "ssh-key";
    public static final String PATH = Api.ROOT + "/credentials";
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** The name, or IllegalArgumentException saying what a valid one is. */
    public static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("credential name '" + name + "' is not valid: use 1 to 63 lower-case"
                    + " letters, digits and '-', starting and ending with a letter or digit");
        }
        return name;
    }
}
