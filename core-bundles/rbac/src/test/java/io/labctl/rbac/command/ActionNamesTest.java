package io.labctl.rbac.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.labctl.shell.Shell;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Action names are no secret: completed for any shell user, with or without access control. */
class ActionNamesTest {
    @Test
    void actionNamesAreNoSecret() {
        assertEquals(List.of("exec"), Shell.complete(new ActionNames(), "bob", "lab:can-i", "ex"));
    }
}
