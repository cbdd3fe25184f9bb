package io.labctl.protocol.text;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Json;
import java.io.IOException;

/**
 * Reads a YAML document that comes from outside (a pushed module's {@code module.yaml}, a Pulumi YAML program) into a
 * tree, refusing what such a document never needs and an attacker could use: anchors and aliases (an alias bomb, or a value that silently
 * reads as the anchor's name), nesting deeper than {@link #MAX_DEPTH}, and a key given twice in one mapping (the
 * last one would silently win). The document is scanned as a stream first, so nothing is built before it passed.
 */
public final class GuardedYaml {
    /** A module descriptor's deepest legitimate value is 4 levels down; a program's resources a few more. */
    static final int MAX_DEPTH = 16;

    private GuardedYaml() {}

    /**
     * The document as a tree; what names it in messages (e.g. {@code module.yaml}); a refusal is an
     * {@link InvalidInput} with code (e.g. {@code invalid-module}).
     */
    public static JsonNode read(byte[] yaml, String what, String code) {
        try (JsonParser scan = parser(yaml)) {
            int depth = 0;
            for (JsonToken t = scan.nextToken(); t != null; t = scan.nextToken()) {
                if (scan instanceof YAMLParser y && (y.isCurrentAlias() || y.getObjectId() != null)) {
                    throw refused(code, what + " uses YAML anchors and aliases (&name, *name) at " + where(scan)
                            + "; they are not allowed: write each value out");
                }
                if (t.isStructStart() && ++depth > MAX_DEPTH) {
                    throw refused(code, what + " is nested deeper than " + MAX_DEPTH + " levels at " + where(scan)
                            + "; flatten it");
                }
                if (t.isStructEnd()) {
                    depth--;
                }
            }
        } catch (StreamReadException e) {
            throw refused(code, duplicateOrInvalid(e, what));
        } catch (IOException e) {
            throw refused(code, what + " cannot be read: " + e.getMessage());
        }
        try (JsonParser parser = parser(yaml)) {
            return Json.yaml().readTree(parser);
        } catch (IOException e) {
            throw refused(code, what + " is not valid YAML: " + firstLine(e.getMessage()));
        }
    }

    private static JsonParser parser(byte[] yaml) throws IOException {
        JsonParser p = Json.yaml().getFactory().createParser(yaml);
        p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return p;
    }

    private static String duplicateOrInvalid(StreamReadException e, String what) {
        String message = firstLine(e.getOriginalMessage());
        if (message.startsWith("Duplicate field ")) {
            return what + " has a duplicate key " + message.substring("Duplicate field ".length()) + " at "
                    + where(e.getLocation()) + ": a key may appear once in a mapping; keep one of them";
        }
        return what + " is not valid YAML: " + message;
    }

    private static String where(JsonParser p) {
        return where(p.currentTokenLocation());
    }

    private static String where(JsonLocation at) {
        return at == null || at.getLineNr() < 1 ? "an unknown line" : "line " + at.getLineNr();
    }

    private static InvalidInput refused(String code, String message) {
        return new InvalidInput(code, null, message);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
