package io.labctl.shell;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The SDK itself ships no command (capabilities do), only its completers, which Karaf must be able to build. */
class SdkCommandsTest {
    @Test
    void theSdkHasNoCommandOfItsOwn() throws Exception {
        ShellCommands.assertCommands(LabCommand.class, Set.of());
    }
}
