package io.labctl.modules.support;

import io.labctl.module.ModuleException;

/** Checks on path inputs: resources take absolute paths on the machine. */
public final class PathInputs {
    private PathInputs() {
    }

    /** The input as an absolute directory path without a trailing slash. */
    public static String directory(String input, String value) throws ModuleException {
        String dir = value.strip();
        if (!dir.startsWith("/") || dir.contains("/../") || dir.endsWith("/..") || dir.contains("\n")) {
            throw new ModuleException("input '" + input + "' must be an absolute path such as /opt/labd, not '"
                    + value + "'");
        }
        while (dir.length() > 1 && dir.endsWith("/")) {
            dir = dir.substring(0, dir.length() - 1);
        }
        return dir;
    }
}
