package io.labctl.agent.exec.internal;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Starts a command in a new pseudo-terminal. */
interface TerminalLauncher {
    /**
     * @throws IOException if the command could not be started
     * @throws LinkageError or a RuntimeException if no terminal can be had here (the native part failed to load)
     */
    ExecProcess start(List<String> command, Map<String, String> environment, File directory, int cols, int rows)
            throws IOException;
}
