package io.labctl.module.engine.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.labctl.module.LineResource;
import io.labctl.module.engine.internal.MachineFiles.Kind;
import io.labctl.module.engine.internal.MachineFiles.Node;

/** One line in a text file; every other line is left as it is. A missing file is made with just that line. */
final class LineProvider implements Provider<LineResource> {

    @Override
    public Class<LineResource> type() {
        return LineResource.class;
    }

    @Override
    public Change plan(LineResource r, RunContext run) throws IOException {
        Path path = run.files().resolve(r.path());
        Node node = run.files().node(path);
        MachineFiles.expect(r.path(), node, Kind.FILE);
        if (node == null && r.isAbsent()) {
            return null;
        }
        String before = node == null ? "" : Files.readString(path, StandardCharsets.UTF_8);
        String after = r.isAbsent() ? without(before, r.line()) : with(before, r.line(), r.replacing());
        if (after.equals(before)) {
            return null;
        }
        String diff = (node == null ? "create " + r.path() + "\n" : "")
                + TextDiff.unified(r.path(), node == null ? null : before, after, false);
        byte[] bytes = after.getBytes(StandardCharsets.UTF_8);
        return new Change(diff, () -> run.files().write(path, bytes,
                node == null ? FileProvider.DEFAULT_MODE : node.mode(),
                node == null ? null : node.uid(), node == null ? null : node.gid()));
    }

    private static String with(String text, String line, String replacing) {
        List<String> lines = lines(text);
        if (lines.contains(line)) {
            return text;
        }
        if (replacing != null) {
            Pattern pattern = Pattern.compile(replacing);
            for (int i = 0; i < lines.size(); i++) {
                if (pattern.matcher(lines.get(i)).find()) {
                    lines.set(i, line);
                    return join(lines, text);
                }
            }
        }
        return text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + line + "\n";
    }

    private static String without(String text, String line) {
        List<String> lines = lines(text);
        return lines.removeIf(line::equals) ? join(lines, text) : text;
    }

    private static List<String> lines(String text) {
        return new ArrayList<>(text.lines().toList());
    }

    /** The lines joined back, ending with a newline when the original did (or was empty). */
    private static String join(List<String> lines, String original) {
        String joined = String.join("\n", lines);
        return lines.isEmpty() || !(original.endsWith("\n") || original.isEmpty()) ? joined : joined + "\n";
    }
}
