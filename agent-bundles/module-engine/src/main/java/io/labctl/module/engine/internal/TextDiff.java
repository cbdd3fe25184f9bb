package io.labctl.module.engine.internal;

import java.util.List;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;

/** The diffs a report shows for text: unified for content, masked for sensitive content. */
public final class TextDiff {
    /** More than this many diff lines are cut: a report is for reading, the file is on the machine. */
    static final int MAX_LINES = 200;
    static final String SENSITIVE = "content changed (sensitive, not shown)";

    private TextDiff() {}

    /** A unified diff of a file's content; {@code before} null for a new file. */
    public static String unified(String path, String before, String after, boolean sensitive) {
        if (sensitive) {
            return before == null ? "content set (sensitive, not shown)" : SENSITIVE;
        }
        List<String> old = before == null ? List.of() : before.lines().toList();
        List<String> now = after.lines().toList();
        Patch<String> patch = DiffUtils.diff(old, now);
        if (patch.getDeltas().isEmpty()) {
            return before == null ? "content empty" : "content changed (line endings or final newline only)";
        }
        List<String> lines = UnifiedDiffUtils.generateUnifiedDiff(before == null ? "/dev/null" : path, path, old,
                patch, 3);
        if (lines.size() > MAX_LINES) {
            int more = lines.size() - MAX_LINES;
            lines = new java.util.ArrayList<>(lines.subList(0, MAX_LINES));
            lines.add("... (" + more + " more diff lines)");
        }
        return String.join("\n", lines);
    }

    /** {@code 0644}. */
    public static String mode(int mode) {
        return String.format("%04o", mode);
    }
}
