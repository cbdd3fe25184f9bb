package io.labctl.cli.http;

import io.labctl.cli.CliException;
import io.labctl.cli.ExitCodes;

/** labd answered with an HTTP error (exit 1); the status and ApiError code let callers tell "denied" from the rest. */
public final class LabdRefusal extends CliException {
    private final int status;
    private final String code;

    public LabdRefusal(int status, String code, String message) {
        super(ExitCodes.REFUSED, message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    /** The ApiError code, or null when labd's answer was not an ApiError. */
    public String code() {
        return code;
    }
}
