package io.labctl.pulumi.engine;

/** A run that did not end well; the message is for an operator (the engine's own error, never a stack trace). */
public class EngineException extends Exception {
    private static final long serialVersionUID = 1L;

    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }

    /** No engine here: the message says what to install. Nothing was started. */
    public static final class Unavailable extends EngineException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message) {
            super(message);
        }
    }

    /** The run was cancelled (its thread interrupted) and the engine has stopped. */
    public static final class Cancelled extends EngineException {
        private static final long serialVersionUID = 1L;

        public Cancelled(String message) {
            super(message);
        }
    }
}
