package io.labctl.cli.quickstart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Line-preserving edits of Karaf .cfg files: change one key's line, keep every other line (and comment) as it is. */
public final class PropertiesFile {
    private PropertiesFile() {}

    /** Sets {@code key = value}: replaces the key's line(s) if present, else appends (when {@code add}). */
    public static boolean set(Path file, String key, String value, boolean add) throws IOException {
        List<String> lines = Files.exists(file) ? new ArrayList<>(Files.readAllLines(file)) : new ArrayList<>();
        Pattern p = keyLine(key);
        boolean found = false;
        for (int i = 0; i < lines.size(); i++) {
            if (p.matcher(lines.get(i)).matches()) {
                lines.set(i, key + " = " + value);
                found = true;
            }
        }
        if (!found) {
            if (!add) {
                return false;
            }
            lines.add(key + " = " + value);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, lines);
        return true;
    }

    /** The value of an uncommented {@code key = value} line, if any. */
    public static Optional<String> get(Path file, String key) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Pattern p = keyLine(key);
        for (String line : Files.readAllLines(file)) {
            Matcher m = p.matcher(line);
            if (m.matches()) {
                return Optional.of(m.group(1).strip());
            }
        }
        return Optional.empty();
    }

    /** The file's lines without any line that sets one of the keys. */
    public static List<String> without(Path file, String... keys) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        outer:
        for (String line : Files.readAllLines(file)) {
            for (String k : keys) {
                if (keyLine(k).matcher(line).matches()) {
                    continue outer;
                }
            }
            out.add(line);
        }
        return out;
    }

    private static Pattern keyLine(String key) {
        return Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*[=:](.*)$");
    }
}
