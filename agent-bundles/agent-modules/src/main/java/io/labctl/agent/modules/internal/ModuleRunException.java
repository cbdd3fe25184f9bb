package io.labctl.agent.modules.internal;

/**
 * A module run that cannot go on, with the stable code labd gets in the stream's ERROR frame and a message for the
 * operator (secrets already masked by whoever adds them).
 */
final class ModuleRunException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The OPEN's parameters are malformed or out of bounds. */
    static final String INVALID_REQUEST = "invalid-module-request";
    /** The module's jar could not be fetched from labd's repository. */
    static final String UNAVAILABLE = "module-unavailable";
    /** The fetched bytes are not the ones labd named: nothing was installed. */
    static final String DIGEST_MISMATCH = "digest-mismatch";
    /** The bundle cannot be installed or resolved on this agent (e.g. the module API range it imports). */
    static final String UNRESOLVABLE = "module-unresolvable";
    /** The bundle started but registered no ConfigurationModule of the module's name in time. */
    static final String MISSING = "module-missing";
    /** Another module run held this agent for longer than a stream waits. */
    static final String BUSY = "module-busy";

    private final String code;

    ModuleRunException(String code, String message) {
        super(message);
        this.code = code;
    }

    ModuleRunException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    String code() {
        return code;
    }
}
