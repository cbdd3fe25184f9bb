package io.labctl.protocol.modules;

import io.labctl.protocol.InvalidInput;
import java.util.regex.Pattern;

/**
 * NAME/VERSION of a repository entry: the rules labd, the CLI and the shell check alike. Names as module names
 * (so a module and the entry that holds it are named the same); versions as OSGi versions for modules, and freer
 * for artifacts, which keep their upstream's ({@code v1.30.2+k3s1}).
 */
public record RepoCoordinates(String name, String version) {
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");

    public RepoCoordinates {
        requireName(name);
        requireVersion(version);
    }

    /** NAME/VERSION as the CLI takes it; refused naming what is wrong. */
    public static RepoCoordinates parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 0 || text.indexOf('/', slash + 1) >= 0) {
            throw new InvalidInput("invalid-entry", null, "'" + text + "' is not NAME/VERSION, such as k3s/v1.30.2+k3s1"
                    + " (see 'labctl repo list')");
        }
        return new RepoCoordinates(text.substring(0, slash), text.substring(slash + 1));
    }

    public static String requireName(String name) {
        if (name == null || !DescriptorReader.MODULE_NAME.matcher(name).matches()) {
            throw new InvalidInput("invalid-name", "name", "name '" + name + "' is not valid: use 1 to 63 lower-case"
                    + " letters, digits and '-'");
        }
        return name;
    }

    public static String requireVersion(String version) {
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new InvalidInput("invalid-version", "version", "version '" + version + "' is not valid: use letters,"
                    + " digits, '.', '_', '+' and '-', starting with a letter or digit (at most 64), such as 1.0.0");
        }
        return version;
    }

    @Override
    public String toString() {
        return name + "/" + version;
    }
}
