package io.labctl.api;

import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Who holds a certificate from labd's CA: subject {@code CN=<name>, OU=<kind>, O=labctl}. Agents are named by
 * their server, users by their user name, labd instances by their host.
 */
@ProviderType
public record Identity(Kind kind, String name) {
    public enum Kind {
        AGENT("agent"), USER("user"), LABD("labd");

        private final String unit;

        Kind(String unit) {
            this.unit = unit;
        }

        public String unit() {
            return unit;
        }

        static Kind ofUnit(String unit) {
            for (Kind k : values()) {
                if (k.unit.equals(unit)) {
                    return k;
                }
            }
            return null;
        }
    }

    public static final String ADMIN = "admin";

    /** The X.500 subject that encodes this identity. */
    public String subject() {
        return "CN=" + Rdn.escapeValue(name) + ",OU=" + kind.unit() + ",O=labctl";
    }

    /** The identity a certificate names, or null if its subject is not one of ours. */
    public static Identity of(X509Certificate cert) {
        try {
            String cn = null;
            Kind kind = null;
            String org = null;
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                switch (rdn.getType().toUpperCase()) {
                    case "CN" -> cn = rdn.getValue().toString();
                    case "OU" -> kind = Kind.ofUnit(rdn.getValue().toString());
                    case "O" -> org = rdn.getValue().toString();
                    default -> { }
                }
            }
            if (cn == null || kind == null || !"labctl".equals(org)) {
                return null;
            }
            return new Identity(kind, cn);
        } catch (InvalidNameException e) {
            return null;
        }
    }

    public boolean isAdmin() {
        return kind == Kind.USER && ADMIN.equals(name);
    }

    @Override
    public String toString() {
        return kind.unit() + "/" + name;
    }
}
