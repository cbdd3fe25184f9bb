package io.labctl.ca.internal;

import io.labctl.api.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.util.IPAddress;

/** Turns host names and IP literals into SAN entries: an IP literal becomes an iPAddress, anything else a dNSName. */
final class SubjectAltNames {
    // RFC 1123 labels, optionally a leading "*." wildcard
    private static final Pattern DNS_NAME = Pattern.compile(
            "(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\\.?");

    // "999.1.1.1" is a mistyped address, not a host name
    private static final Pattern ALL_NUMERIC = Pattern.compile("[0-9.]+");

    private SubjectAltNames() {}

    /** The host name first, then the other names, each once. */
    static List<GeneralName> of(String hostName, List<String> names) {
        Set<String> seen = new LinkedHashSet<>();
        List<GeneralName> out = new ArrayList<>();
        List<String> all = new ArrayList<>();
        all.add(hostName);
        if (names != null) {
            all.addAll(names);
        }
        for (String raw : all) {
            if (raw == null || raw.isBlank()) {
                throw ApiException.badRequest("invalid-san", "an empty host name or IP address was given for the "
                        + "server certificate; leave it out or give a DNS name or IP literal");
            }
            String name = raw.strip();
            if (name.startsWith("[") && name.endsWith("]")) {
                name = name.substring(1, name.length() - 1); // "[::1]" as written in URLs
            }
            if (IPAddress.isValid(name)) {
                if (seen.add("ip:" + name)) {
                    out.add(new GeneralName(GeneralName.iPAddress, name));
                }
            } else {
                String dns = name.toLowerCase(Locale.ROOT);
                if (dns.length() > 253 || !DNS_NAME.matcher(dns).matches() || ALL_NUMERIC.matcher(dns).matches()) {
                    throw ApiException.badRequest("invalid-san", "'" + raw + "' is neither an IP address nor a valid "
                            + "DNS name (letters, digits, hyphens and dots); fix the name given for the server certificate");
                }
                if (seen.add("dns:" + dns)) {
                    out.add(new GeneralName(GeneralName.dNSName, dns));
                }
            }
        }
        return out;
    }
}
