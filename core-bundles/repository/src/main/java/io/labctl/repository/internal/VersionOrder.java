package io.labctl.repository.internal;

import java.util.Comparator;
import org.osgi.framework.Version;

/**
 * Oldest first: OSGi version order where both are OSGi versions (modules always are), else a natural order that
 * compares runs of digits as numbers, so that an artifact's v1.30.10 comes after v1.30.9.
 */
final class VersionOrder implements Comparator<String> {
    static final VersionOrder OLDEST_FIRST = new VersionOrder();

    private VersionOrder() {}

    @Override
    public int compare(String a, String b) {
        Version x = osgi(a);
        Version y = osgi(b);
        if (x != null && y != null) {
            return x.compareTo(y);
        }
        return natural(a, b);
    }

    private static Version osgi(String text) {
        try {
            return Version.parseVersion(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int natural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char c = a.charAt(i);
            char d = b.charAt(j);
            if (Character.isDigit(c) && Character.isDigit(d)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                int byNumber = new java.math.BigInteger(a.substring(si, i)).compareTo(new java.math.BigInteger(b.substring(sj, j)));
                if (byNumber != 0) {
                    return byNumber;
                }
            } else {
                if (c != d) {
                    return Character.compare(c, d);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
