package io.labctl.agent.exec.internal;

import java.io.InputStream;
import java.io.OutputStream;

/** A started command, with pipes or with a terminal. */
interface ExecProcess {
    long pid();

    /** Standard output; for a terminal, everything the terminal shows. */
    InputStream stdout();

    /** Standard error, or null when it goes to the terminal with stdout. */
    InputStream stderr();

    OutputStream stdin();

    int waitFor() throws InterruptedException;

    /** True when this runs in a terminal. */
    boolean tty();

    /** Sets the terminal's size; ignored without one. */
    void resize(int cols, int rows);
}
