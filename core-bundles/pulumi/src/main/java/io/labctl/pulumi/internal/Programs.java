package io.labctl.pulumi.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.pulumi.RunRequest;
import io.labctl.protocol.text.GuardedYaml;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A Pulumi YAML program as labctl sends it: checked before anything runs, so that a run starts only on a program
 * the engine's YAML runtime can take, under a project name labd can use as a folder and in its records.
 */
final class Programs {
    /** The project names Pulumi accepts (letters, digits, '-', '_', '.'), not starting with '.'. */
    private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}");
    private static final Pattern FILE = Pattern.compile("[^\\p{Cntrl}/\\\\]{1,255}");

    /** The program's project and the SHA-256 of its text. */
    record Program(String project, String digest, byte[] text) {}

    private Programs() {}

    static Program read(String text, String file) {
        if (text == null || text.isBlank()) {
            throw invalid("the program is empty: send a Pulumi YAML program (Pulumi.yaml with name, runtime: yaml,"
                    + " resources, outputs)");
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > RunRequest.MAX_PROGRAM_BYTES) {
            throw invalid(file + " is " + bytes.length + " bytes; a program may have at most "
                    + RunRequest.MAX_PROGRAM_BYTES + " (split it into stacks)");
        }
        JsonNode root = GuardedYaml.read(bytes, file, "invalid-program");
        if (root == null || !root.isObject()) {
            throw invalid(file + " is not a Pulumi YAML program: its top level must be a mapping with name, runtime:"
                    + " yaml, resources and outputs");
        }
        JsonNode name = root.get("name");
        if (name == null || !name.isTextual() || !PROJECT.matcher(name.asText()).matches()) {
            throw invalid(file + ": name must be the project's name (letters, digits, '-', '_' and '.', at most 100"
                    + " characters), e.g. name: web");
        }
        JsonNode runtime = root.get("runtime");
        String runtimeName = runtime == null ? null
                : runtime.isTextual() ? runtime.asText() : runtime.path("name").asText(null);
        if (!"yaml".equals(runtimeName)) {
            throw invalid(file + ": runtime must be yaml (labd runs Pulumi YAML programs; got "
                    + (runtimeName == null ? "none" : "'" + runtimeName + "'") + ")");
        }
        return new Program(name.asText(), sha256(bytes), bytes);
    }

    /** The file's name as the record shows it: its last path segment, checked. */
    static String fileName(String file) {
        String f = file == null || file.isBlank() ? "Pulumi.yaml" : file.strip();
        int slash = Math.max(f.lastIndexOf('/'), f.lastIndexOf('\\'));
        f = f.substring(slash + 1);
        if (!FILE.matcher(f).matches()) {
            throw invalid("file name '" + f + "' is not usable: at most 255 characters, no control characters");
        }
        return f;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InvalidInput invalid(String message) {
        return new InvalidInput("invalid-program", null, message);
    }
}
