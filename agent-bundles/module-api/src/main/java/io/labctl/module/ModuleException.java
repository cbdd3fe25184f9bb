package io.labctl.module;

/** A module cannot describe its state (e.g. an input combination it refuses); the message is for the operator. */
public class ModuleException extends Exception {
    private static final long serialVersionUID = 1L;

    public ModuleException(String message) {
        super(message);
    }

    public ModuleException(String message, Throwable cause) {
        super(message, cause);
    }
}
