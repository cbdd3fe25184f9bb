package io.labctl.bastion.install;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whitelist validation of every value that ends up in a shell script or installer file.
 *
 * <p>Policy: <b>reject, never escape.</b> Each field has a character whitelist that excludes quotes,
 * backslash, '$', '`', whitespace (except the single spaces of an SSH key line), ';', '&', '|', '<', '>',
 * and all control characters including newlines. Renderers may therefore place validated values
 * verbatim inside single-quoted shell strings, kickstart options and debconf values.
 */
final class Validation {
    private Validation() {
    }

    static final Pattern MAC = Pattern.compile("[0-9a-f]{2}([:-][0-9a-f]{2}){5}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern URL = Pattern.compile(
            "(https?)://([a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:+/=-]{8,512}");
    private static final Pattern TIMEZONE = Pattern.compile("[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}");
    private static final Pattern SSH_KEY = Pattern.compile(
            "(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\\.com|sk-ecdsa-sha2-nistp256@openssh\\.com)"
                    + " [A-Za-z0-9+/]+={0,3}( [A-Za-z0-9@._+-]{1,100})?");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    static String mac(String mac) {
        String m = require(mac, "mac").strip().toLowerCase(Locale.ROOT);
        if (!MAC.matcher(m).matches()) {
            throw new InstallConfigException("invalid MAC address '" + printable(mac) + "' (expected aa:bb:cc:dd:ee:ff)");
        }
        return m.replace('-', ':');
    }

    /** RFC 1123 host name: a single label or an FQDN; normalised to lower case, trailing dot removed. */
    static String hostname(String hostname) {
        String h = require(hostname, "hostname").toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.isEmpty() || h.length() > 253) {
            throw new InstallConfigException("invalid hostname '" + printable(hostname) + "': length must be 1..253");
        }
        for (String label : h.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw new InstallConfigException("invalid hostname '" + printable(hostname)
                        + "': each label must be 1..63 of [a-z0-9-], not starting or ending with '-' (RFC 1123)");
            }
        }
        return h;
    }

    /** http(s) URL with a DNS name or IPv4 host, optional port and plain path; trailing '/' removed. */
    static String url(String url, String field, boolean httpsOnly) {
        String u = require(url, field);
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        var m = URL.matcher(u);
        if (!m.matches()) {
            throw new InstallConfigException(field + " '" + printable(url)
                    + "' is not an accepted URL (scheme://host[:port][/path], lower-case host, no query, no quotes or '$')");
        }
        if (httpsOnly && !"https".equals(m.group(1))) {
            throw new InstallConfigException(field + " must be an https URL: '" + printable(url) + "'");
        }
        if (m.group(6) != null) {
            int port = Integer.parseInt(m.group(6).substring(1));
            if (port < 1 || port > 65535) {
                throw new InstallConfigException(field + " has an invalid port: '" + printable(url) + "'");
            }
        }
        return u;
    }

    /** Secret: the message never contains the value. */
    static String token(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            throw new InstallConfigException(
                    "join token is missing or contains characters outside [A-Za-z0-9._:+/=-] (8..512 chars); value not shown");
        }
        return token;
    }

    static String timezone(String tz) {
        String t = require(tz, "timezone");
        if (!TIMEZONE.matcher(t).matches()) {
            throw new InstallConfigException("invalid timezone '" + printable(tz) + "' (expected e.g. UTC or Europe/Berlin)");
        }
        return t;
    }

    static String sshKey(String key) {
        String k = require(key, "ssh authorized key").strip();
        if (!SSH_KEY.matcher(k).matches()) {
            throw new InstallConfigException("invalid SSH public key line (expected '<type> <base64> [comment]' with comment of"
                    + " [A-Za-z0-9@._+-]; options are not supported): '" + printable(key) + "'");
        }
        return k;
    }

    static String sha256(String hex) {
        String h = require(hex, "sha256").toLowerCase(Locale.ROOT);
        if (!SHA256.matcher(h).matches()) {
            throw new InstallConfigException("invalid SHA-256 '" + printable(hex) + "' (expected 64 hex digits)");
        }
        return h;
    }

    static String require(String value, String field) {
        if (value == null) {
            throw new InstallConfigException(field + " is required");
        }
        return value;
    }

    /** Renders a rejected value for an error message: control characters shown as \\uXXXX, truncated. */
    static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 120; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > 120) {
            b.append("...");
        }
        return b.toString();
    }
}
