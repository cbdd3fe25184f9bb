package io.labctl.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.protocol.access.UserInfo;
import java.security.PrivilegedAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.Subject;
import org.apache.karaf.shell.api.console.CommandLine;
import org.junit.jupiter.api.Test;

/** Completion offers labd's names only to shell users the lab: commands admit. */
class CompletersTest {

    /** Test double of Karaf's parsed command line: the cursor at the end of the last argument. */
    private record Line(String buffer, String... arguments) implements CommandLine {
        @Override
        public int getCursorArgumentIndex() {
            return arguments.length - 1;
        }

        @Override
        public String getCursorArgument() {
            return arguments[arguments.length - 1];
        }

        @Override
        public int getArgumentPosition() {
            return getCursorArgument().length();
        }

        @Override
        public String[] getArguments() {
            return arguments;
        }

        @Override
        public int getBufferPosition() {
            return buffer.length();
        }

        @Override
        public String getBuffer() {
            return buffer;
        }
    }

    @SuppressWarnings("removal")
    private static List<String> complete(NameCompleter completer, String user, String... arguments) {
        List<String> candidates = new ArrayList<>();
        Line line = new Line(String.join(" ", arguments), arguments);
        Subject.doAs(Shell.login(user), (PrivilegedAction<Integer>) () -> completer.complete(null, line, candidates));
        return candidates.stream().map(String::strip).toList();
    }

    private static UserNames userNames() {
        UserNames c = new UserNames();
        c.access = new FakeAccessControl().allow("alice", "admin:*:*:*").allow("bob", "read:*:*:*");
        c.access.users().add(new UserInfo("alice", List.of("admin"), Instant.EPOCH, "admin"));
        c.access.users().add(new UserInfo("albert", List.of(), Instant.EPOCH, "alice"));
        c.access.users().add(new UserInfo("bob", List.of(), Instant.EPOCH, "alice"));
        return c;
    }

    @Test
    void anAdminGetsNamesMatchingWhatIsTyped() {
        assertEquals(List.of("albert", "alice"), complete(userNames(), "alice", "lab:bind", "ops", "al"));
    }

    @Test
    void othersGetNothing() {
        assertTrue(complete(userNames(), "bob", "lab:bind", "ops", "al").isEmpty());
        UserNames noAccessControl = userNames();
        noAccessControl.access = null;
        assertTrue(complete(noAccessControl, "alice", "lab:bind", "ops", "al").isEmpty());
    }

    @Test
    void actionNamesAreNoSecret() {
        assertEquals(List.of("exec"), complete(new ActionNames(), "bob", "lab:can-i", "ex"));
    }
}
