package io.labctl.protocol.provision;

import java.util.Locale;
import java.util.regex.Pattern;

/** MAC addresses in the one form labctl stores and shows: lower-case, colon-separated. */
public final class Macs {
    private static final Pattern HEX12 = Pattern.compile("[0-9a-f]{12}");

    private Macs() {}

    /**
     * Accepts 52:54:00:ab:cd:ef, 52-54-00-AB-CD-EF (iPXE's hexhyp) or 525400abcdef; a clear message otherwise.
     */
    public static String normalize(String mac) {
        String hex = mac == null ? "" : mac.strip().toLowerCase(Locale.ROOT).replace(":", "").replace("-", "");
        if (!HEX12.matcher(hex).matches()) {
            throw new IllegalArgumentException("'" + mac + "' is not a MAC address: write it like 52:54:00:ab:cd:ef");
        }
        StringBuilder b = new StringBuilder(17);
        for (int i = 0; i < 12; i += 2) {
            if (i > 0) {
                b.append(':');
            }
            b.append(hex, i, i + 2);
        }
        return b.toString();
    }

    /** The hyphenated form iPXE's ${net0/mac:hexhyp} gives, used in the bastion's URLs. */
    public static String hyphenated(String mac) {
        return normalize(mac).replace(':', '-');
    }
}
