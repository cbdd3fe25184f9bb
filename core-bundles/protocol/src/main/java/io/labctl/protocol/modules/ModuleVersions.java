package io.labctl.protocol.modules;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shape of module versions (OSGi major.minor.micro[.qualifier]) and of dependency ranges ({@code [1.0,2)}). */
final class ModuleVersions {
    private static final String VERSION_TEXT = "\\d{1,9}(\\.\\d{1,9}(\\.\\d{1,9}(\\.[A-Za-z0-9_-]+)?)?)?";
    private static final Pattern FULL_VERSION = Pattern.compile("\\d{1,9}\\.\\d{1,9}\\.\\d{1,9}(\\.[A-Za-z0-9_-]+)?");
    private static final Pattern VERSION = Pattern.compile(VERSION_TEXT);
    private static final Pattern RANGE = Pattern.compile("([\\[(])\\s*(" + VERSION_TEXT + ")\\s*,\\s*("
            + VERSION_TEXT + ")\\s*([\\])])");

    private ModuleVersions() {}

    /** A module's own version: all three numbers, as the bundle's Bundle-Version. */
    static boolean validVersion(String text) {
        return text != null && FULL_VERSION.matcher(text).matches();
    }

    /** An OSGi version range {@code [1.0,2)} or a bare version (meaning "at least"), low end not above high end. */
    static boolean validRange(String text) {
        if (text == null) {
            return false;
        }
        String t = text.strip();
        if (VERSION.matcher(t).matches()) {
            return true;
        }
        Matcher m = RANGE.matcher(t);
        return m.matches() && compare(m.group(2), m.group(6)) <= 0;
    }

    /** Numeric comparison of the major.minor.micro parts (missing parts are 0; qualifiers are not compared here). */
    private static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < 3; i++) {
            long p = i < x.length ? Long.parseLong(x[i]) : 0;
            long q = i < y.length ? Long.parseLong(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }
}
