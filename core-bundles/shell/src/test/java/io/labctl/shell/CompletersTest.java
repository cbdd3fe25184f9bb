package io.labctl.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.protocol.access.UserInfo;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Completion offers labd's names only to shell users the lab: commands admit. */
class CompletersTest {

    private static UserNames userNames() {
        FakeAccessControl access = new FakeAccessControl().allow("alice", "admin:*:*:*").allow("bob", "read:*:*:*");
        access.users.add(new UserInfo("alice", List.of("admin"), Instant.EPOCH, "admin"));
        access.users.add(new UserInfo("albert", List.of(), Instant.EPOCH, "alice"));
        access.users.add(new UserInfo("bob", List.of(), Instant.EPOCH, "alice"));
        UserNames names = Shell.wire(new UserNames(), access);
        names.administration = access;
        return names;
    }

    @Test
    void anAdminGetsNamesMatchingWhatIsTyped() {
        assertEquals(List.of("albert", "alice"), Shell.complete(userNames(), "alice", "lab:bind", "ops", "al"));
    }

    @Test
    void othersGetNothing() {
        assertTrue(Shell.complete(userNames(), "bob", "lab:bind", "ops", "al").isEmpty());
        UserNames noAccessControl = Shell.wire(userNames(), null);
        assertTrue(Shell.complete(noAccessControl, "alice", "lab:bind", "ops", "al").isEmpty());
    }
}
