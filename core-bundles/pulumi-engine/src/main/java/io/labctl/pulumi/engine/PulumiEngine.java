package io.labctl.pulumi.engine;

/** The Pulumi engine on labd's host, driven through the Pulumi Java SDK's Automation API. */
public interface PulumiEngine {
    /** Whether runs can start here: the binary and its version, or what is missing and what to install. Never throws. */
    EngineStatus status();

    /**
     * Runs one operation on one stack, on the calling thread, until the engine ends. Interrupting the calling thread
     * cancels the run: the engine is asked to stop (as Ctrl-C does), then killed after a grace period, and
     * {@link EngineException.Cancelled} is thrown.
     *
     * @throws EngineException.Unavailable when {@link #status()} is not available (nothing was started)
     * @throws EngineException.Cancelled   when the calling thread was interrupted
     * @throws EngineException             when the engine failed; its message is the engine's own error, no trace
     */
    EngineOutcome run(EngineRun run, EngineListener listener) throws EngineException;
}
