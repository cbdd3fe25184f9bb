package io.labctl.cli.exec;

/** Where one invocation's Ctrl-C comes from: this process's own signals ({@link Interrupts}), or a labctl session's client. */
public interface InterruptSource {
    /**
     * @param cancel  asks labd to stop the command(s); must not block for long
     * @param restore puts the local terminal back; idempotent
     */
    Registration install(Runnable cancel, Runnable restore);

    /** Ends the registration; never throws. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
