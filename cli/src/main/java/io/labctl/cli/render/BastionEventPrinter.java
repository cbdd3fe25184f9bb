package io.labctl.cli.render;

import io.labctl.protocol.provision.BastionEvent;
import java.time.format.DateTimeFormatter;

/** {@code labctl logs bastion/ENV}: one line per event (time in UTC to the millisecond, MAC, kind, detail). */
public final class BastionEventPrinter {
    /** Width of a MAC, so that lines of known and unknown machines line up while following. */
    private static final int MAC = 17;
    private static final int KIND = 9;
    /** Always to the millisecond, so that the columns line up. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private BastionEventPrinter() {}

    public static String line(BastionEvent e) {
        String at = e.at() == null ? "-" : TIME.format(e.at());
        return at + "  " + pad(e.mac() == null ? "-" : e.mac(), MAC) + "  " + pad(e.kind(), KIND) + "  "
                + (e.detail() == null ? "" : e.detail()) + "\n";
    }

    /** One event as one line of JSON (for jq, while following too). */
    public static String json(BastionEvent e) {
        try {
            return io.labctl.protocol.Json.json().writeValueAsString(e) + "\n";
        } catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String pad(String s, int width) {
        String v = s == null ? "-" : s;
        return v.length() >= width ? v : v + " ".repeat(width - v.length());
    }
}
