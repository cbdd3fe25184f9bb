package io.labctl.registry.command;

import io.labctl.shell.ShellCommands;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Karaf's shell can find and build this bundle's lab: commands: exactly these. */
class CommandAnnotationsTest {
    @Test
    void theBundlesLabCommandsAreWellFormed() throws Exception {
        ShellCommands.assertCommands(ServersCommand.class, Set.of("servers", "server-delete"));
    }
}
