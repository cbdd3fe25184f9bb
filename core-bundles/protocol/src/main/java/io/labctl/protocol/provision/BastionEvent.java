package io.labctl.protocol.provision;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One thing a bastion saw or did for a booting machine ({@code labctl logs bastion/ENV}): a DHCP exchange, a TFTP
 * transfer, a boot HTTP request, a boot reported to labd, a plan handed out. mac is null when the bastion could not
 * tell which machine it was (a request from an address no lease or ARP entry names). A booting machine is not
 * trusted, so everything it can make longer is cut to the bounds below before it leaves the bastion, and labd checks
 * them again.
 *
 * @param at      when the bastion saw it
 * @param bastion the bastion's name (labd's records); set by labd, never by the bastion's report
 * @param kind    one of {@link #KINDS}
 * @param detail  one line, at most {@link #MAX_DETAIL} characters
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BastionEvent(Instant at, String bastion, String mac, String kind, String detail) {
    /** The REST collection: {@code PATH/ENV/events?mac=&since=&limit=&follow=true}. */
    public static final String PATH = "/api/v1/bastions";
    public static final String DHCP = "dhcp";
    public static final String TFTP = "tftp";
    public static final String HTTP = "http";
    /** The machine's boot was reported to labd, with labd's answer (its state, the script it gets). */
    public static final String BOOT = "boot";
    /** An installer was handed its plan (hostname, role, mode). */
    public static final String PLAN = "plan";
    /** The installer reported the install done. */
    public static final String INSTALLED = "installed";
    /** The bastion itself: started, events it had to drop. */
    public static final String BASTION = "bastion";
    public static final java.util.Set<String> KINDS = java.util.Set.of(DHCP, TFTP, HTTP, BOOT, PLAN, INSTALLED, BASTION);
    public static final int MAX_DETAIL = 300;
    /** Most events one report from a bastion carries. */
    public static final int MAX_BATCH = 500;
    /** Most events one read answers with. */
    public static final int MAX_LIMIT = 5000;
    public static final int DEFAULT_LIMIT = 200;

    /** detail as one printable line of at most {@link #MAX_DETAIL} characters (control characters become '?'). */
    public static String clean(String detail) {
        String d = detail == null ? "" : detail;
        if (d.length() > MAX_DETAIL) {
            d = d.substring(0, MAX_DETAIL - 3) + "...";
        }
        StringBuilder b = new StringBuilder(d.length());
        for (int i = 0; i < d.length(); i++) {
            char c = d.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }

    /** This event as a bastion reports it: no bastion name (labd sets it), detail cleaned. */
    public BastionEvent reported() {
        return new BastionEvent(at, null, mac, kind, clean(detail));
    }

    /** What a bastion sends labd: events in the order seen, and how many it had to drop since its last report. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Batch(java.util.List<BastionEvent> events, long dropped) {
    }
}
