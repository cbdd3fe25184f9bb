package io.labctl.module;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A module's inputs as declared in its {@code module.yaml}, validated and defaulted by labd before they arrive. Every
 * getter throws {@link IllegalArgumentException} naming the input when the module has no input of that name.
 */
@ProviderType
public interface Inputs {
    /** Whether an input of that name has a value. */
    boolean has(String name);

    /** A {@code string} input (also the text form of any other type). */
    String string(String name);

    /** An {@code integer} input. */
    long integer(String name);

    /** A {@code boolean} input. */
    boolean bool(String name);

    /** A {@code list} input. */
    List<String> list(String name);

    /** A {@code secret: true} input: its value is only revealed where the module puts it. */
    Secret secret(String name);

    /**
     * Whether the input is declared {@code secret: true}. A {@link FileResource#template(String) template} that uses
     * a secret input is sensitive: its diff is never shown. The default answers false; implementations that carry
     * secret inputs override it.
     */
    default boolean isSecret(String name) {
        return false;
    }
}
