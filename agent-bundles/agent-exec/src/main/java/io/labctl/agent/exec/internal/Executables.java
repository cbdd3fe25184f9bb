package io.labctl.agent.exec.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Finds the program an argv[0] names the way exec does (a name with a slash is a path, relative to the working
 * directory; otherwise the first executable file on PATH), so that "not found" and "not executable" can be told
 * apart before starting it: the PTY launcher reports both only as an unspecific failure.
 */
final class Executables {
    enum Lookup { FOUND, NOT_FOUND, NOT_EXECUTABLE }

    private Executables() {}

    static Lookup lookup(String program, String path, Path workingDirectory) {
        if (program.isEmpty()) {
            return Lookup.NOT_FOUND;
        }
        if (program.indexOf('/') >= 0) {
            Path file = resolve(workingDirectory, program);
            if (file == null || !Files.exists(file)) {
                return Lookup.NOT_FOUND;
            }
            return isRunnable(file) ? Lookup.FOUND : Lookup.NOT_EXECUTABLE;
        }
        boolean sawFile = false;
        String search = path == null || path.isEmpty() ? "/usr/local/bin:/usr/bin:/bin" : path;
        // an empty PATH entry means the working directory, as in execvp
        for (String dir : search.split(File.pathSeparator, -1)) {
            Path file = resolve(workingDirectory, dir.isEmpty() ? program : dir + "/" + program);
            if (file == null || !Files.exists(file)) {
                continue;
            }
            if (isRunnable(file)) {
                return Lookup.FOUND;
            }
            sawFile = true;
        }
        // execvp answers EACCES when it found a file it may not run, ENOENT when it found nothing
        return sawFile ? Lookup.NOT_EXECUTABLE : Lookup.NOT_FOUND;
    }

    private static boolean isRunnable(Path file) {
        return Files.isRegularFile(file) && Files.isExecutable(file);
    }

    private static Path resolve(Path workingDirectory, String name) {
        try {
            return workingDirectory.resolve(name);
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
