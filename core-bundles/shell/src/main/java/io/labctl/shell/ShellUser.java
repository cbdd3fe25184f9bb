package io.labctl.shell;

import io.labctl.api.Identity;
import java.security.AccessController;
import java.security.Principal;
import java.util.Set;
import java.util.TreeSet;
import javax.security.auth.Subject;

/** The shell's JAAS login (SSH key or password) as a labctl identity: the labctl user of the same name. */
final class ShellUser {
    /** Karaf's user principal, matched by class name so that this bundle imports no JAAS package. */
    static final String KARAF_USER_PRINCIPAL = "org.apache.karaf.jaas.boot.principal.UserPrincipal";

    private ShellUser() {}

    /** The user running the current command, or null if the shell has no logged-in user. */
    @SuppressWarnings("removal") // Karaf 4.4 runs commands under Subject.doAs: this is how a command sees its user
    static Identity current() {
        return of(Subject.getSubject(AccessController.getContext()));
    }

    /** The user a login names, or null if it names none, or more than one (never guess who acts). */
    static Identity of(Subject subject) {
        if (subject == null) {
            return null;
        }
        Set<String> names = new TreeSet<>();
        for (Principal p : subject.getPrincipals()) {
            if (isKarafUser(p) && p.getName() != null && !p.getName().isBlank()) {
                names.add(p.getName());
            }
        }
        return names.size() == 1 ? new Identity(Identity.Kind.USER, names.iterator().next()) : null;
    }

    private static boolean isKarafUser(Principal p) {
        for (Class<?> c = p.getClass(); c != null; c = c.getSuperclass()) {
            if (KARAF_USER_PRINCIPAL.equals(c.getName())) {
                return true;
            }
        }
        return false;
    }
}
