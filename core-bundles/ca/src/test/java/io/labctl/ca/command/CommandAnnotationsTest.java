package io.labctl.ca.command;

import io.labctl.shell.ShellCommands;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Karaf's shell can find and build this bundle's lab: commands: exactly these. */
class CommandAnnotationsTest {
    @Test
    void theBundlesLabCommandsAreWellFormed() throws Exception {
        ShellCommands.assertCommands(CaCommand.class, Set.of("ca"));
    }
}
