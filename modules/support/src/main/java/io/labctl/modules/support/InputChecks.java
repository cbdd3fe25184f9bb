package io.labctl.modules.support;

import io.labctl.module.ModuleException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Checks of input values that only a module knows (labd has checked their types), each naming the input. */
public final class InputChecks {
    private static final Pattern HTTPS_URL = Pattern.compile("https://[^\\s/]+(:\\d+)?/?");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private InputChecks() {
    }

    /** An https:// address with a host (and a port), e.g. labd's or a k3s server's. */
    public static String httpsUrl(String input, String value, String example) throws ModuleException {
        String url = value.strip();
        if (!HTTPS_URL.matcher(url).matches()) {
            throw new ModuleException("input '" + input + "' must be an https:// address with a host, for example "
                    + example + ", not '" + value + "'");
        }
        return url;
    }

    /** A SHA-256 in hex, lower-cased; {@code of} names what it is the digest of. */
    public static String sha256(String input, String value, String of) throws ModuleException {
        String hex = value.strip().toLowerCase(Locale.ROOT);
        if (!SHA256.matcher(hex).matches()) {
            throw new ModuleException("input '" + input + "' must be the 64 hex digits of " + of
                    + "'s SHA-256 (as 'labctl repo list' shows it)");
        }
        return hex;
    }
}
