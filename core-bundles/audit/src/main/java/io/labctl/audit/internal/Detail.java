package io.labctl.audit.internal;

import java.nio.charset.StandardCharsets;

/**
 * What a row keeps of an action's detail (for exec the argument vector): all of it up to a byte limit; beyond that
 * its first bytes (cut at a character boundary) and the SHA-256 of the whole, which marks it as cut and lets anyone
 * holding the whole prove it is the one that ran.
 *
 * @param text          the detail, or its first bytes when cut
 * @param sha256OfWhole lower-case hex SHA-256 of the whole detail's UTF-8 when it was cut, else null
 */
record Detail(String text, String sha256OfWhole) {

    /** null for no detail. */
    static Detail of(String detail, int maxBytes) {
        if (detail == null) {
            return null;
        }
        String whole = ChainWriter.storable(detail);
        byte[] utf8 = whole.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= maxBytes) {
            return new Detail(whole, null);
        }
        return new Detail(prefix(whole, maxBytes), ChainHash.sha256Hex(whole));
    }

    /** The longest prefix of text whose UTF-8 takes at most maxBytes. */
    private static String prefix(String text, int maxBytes) {
        int bytes = 0;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            i += Character.charCount(cp);
        }
        return text.substring(0, i);
    }
}
