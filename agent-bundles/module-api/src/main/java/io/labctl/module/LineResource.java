package io.labctl.module;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One line in a text file, the rest of the file left as it is: {@code line:PATH:LINE}. Present: appended when no line
 * equals it, or, with {@link #replacing(String)}, put in place of the first line matching the expression. The file
 * must exist (declare it with a {@link FileResource} without content when the module creates it). Absent: every line
 * equal to it is removed.
 */
public final class LineResource extends Resource {
    private final String path;
    private final String line;
    private String replacing;

    public LineResource(String path, String line) {
        super("line", absolutePath("line", path) + ":" + Objects.requireNonNull(line, "line"));
        if (line.contains("\n")) {
            throw new IllegalArgumentException("line:" + path + ": the line contains a line break: one line only");
        }
        this.path = path;
        this.line = line;
    }

    /** Replaces the first line matching this regular expression (whole line) instead of appending. */
    public LineResource replacing(String regex) {
        Pattern.compile(regex); // fails here, in the module, when the expression is invalid
        this.replacing = regex;
        return this;
    }

    public String path() {
        return path;
    }

    public String line() {
        return line;
    }

    /** The expression of the line to replace, or null. */
    public String replacing() {
        return replacing;
    }

    @Override
    public LineResource requires(String... ids) {
        super.requires(ids);
        return this;
    }

    @Override
    public LineResource absent() {
        super.absent();
        return this;
    }
}
