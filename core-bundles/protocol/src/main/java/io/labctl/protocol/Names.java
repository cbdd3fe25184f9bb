package io.labctl.protocol;

import java.util.regex.Pattern;

/** Names of servers and users: DNS-label-like, so they are safe in certificates, URLs, file names and tables. */
public final class Names {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");

    private Names() {}

    public static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public static String require(String what, String name) {
        if (!valid(name)) {
            throw new IllegalArgumentException(what + " '" + name + "' is not valid: use lower-case letters, digits, '.' and '-',"
                    + " starting and ending with a letter or digit (at most 253 characters)");
        }
        return name;
    }
}
