package io.labctl.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.labctl.api.Identity;
import java.security.PrivilegedAction;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.GroupPrincipal;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.junit.jupiter.api.Test;

class ShellUserTest {

    @Test
    void karafUserPrincipalBecomesTheLabctlUserOfTheSameName() {
        Subject s = new Subject();
        s.getPrincipals().add(new UserPrincipal("alice"));
        s.getPrincipals().add(new RolePrincipal("admin"));
        s.getPrincipals().add(new GroupPrincipal("ops"));
        assertEquals(new Identity(Identity.Kind.USER, "alice"), ShellUser.of(s));
    }

    @Test
    void theClassNameMatchesKarafs() {
        assertEquals(UserPrincipal.class.getName(), ShellUser.KARAF_USER_PRINCIPAL);
    }

    @Test
    void rolesAndGroupsAloneAreNoUser() {
        Subject s = new Subject();
        s.getPrincipals().add(new RolePrincipal("alice"));
        s.getPrincipals().add(new GroupPrincipal("alice"));
        assertNull(ShellUser.of(s));
    }

    @Test
    void otherPrincipalTypesAreIgnored() {
        Subject s = new Subject();
        s.getPrincipals().add(() -> "mallory"); // some other module's principal: not a shell login
        assertNull(ShellUser.of(s));
    }

    @Test
    void twoDifferentUsersAreRefusedRatherThanGuessed() {
        Subject s = new Subject();
        s.getPrincipals().add(new UserPrincipal("alice"));
        s.getPrincipals().add(new UserPrincipal("bob"));
        assertNull(ShellUser.of(s));
    }

    @Test
    void noSubjectIsNoUser() {
        assertNull(ShellUser.of(null));
        assertNull(ShellUser.current());
    }

    @Test
    @SuppressWarnings("removal")
    void currentReadsTheSubjectTheCommandRunsUnder() {
        Identity seen = Subject.doAs(Shell.login("alice"), (PrivilegedAction<Identity>) ShellUser::current);
        assertEquals(new Identity(Identity.Kind.USER, "alice"), seen);
    }

    @Test
    void oneSessionKeepsOneAuditId() {
        Object session = new Object();
        assertEquals(ShellSessions.idOf(session), ShellSessions.idOf(session));
        assertNotEquals(ShellSessions.idOf(session), ShellSessions.idOf(new Object()));
        assertNotEquals(ShellSessions.idOf(null), ShellSessions.idOf(null));
    }
}
