package io.labctl.protocol;

/**
 * Input that breaks one of labctl's input rules (names, scopes, lifetimes, selectors). The message names the field,
 * what is wrong and how to fix it; the code is what labd answers with (400). The CLI, the shell and labd's services
 * check the same rules, so they refuse the same input with the same words.
 */
public final class InvalidInput extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String code;
    private final String field;

    /** field: the short name the message starts with (as the CLI's and shell's flags say it), or null. */
    public InvalidInput(String code, String field, String message) {
        super(message);
        this.code = code;
        this.field = field;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }

    /** The message as a command line says it: the field as its flag ({@code --env is empty; ...}). */
    public String asFlag() {
        return field == null ? getMessage() : "--" + getMessage();
    }
}
