package io.labctl.protocol.modules;

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
 * Reads a YAML document that comes from outside (a pushed module's {@code module.yaml}) into a tree, refusing what a
 * descriptor never needs and an attacker could use: anchors and aliases (an alias bomb, or a value that silently
 * reads as the anchor's name), nesting deeper than {@link #MAX_DEPTH}, and a key given twice in one mapping (the
 * last one would silently win). The document is scanned as a stream first, so nothing is built before it passed.
 */
final class GuardedYaml {
    /** A descriptor's deepest legitimate value (inputs.NAME.default as a list) is 4 levels down. */
    static final int MAX_DEPTH = 16;

    private GuardedYaml() {}

    static JsonNode read(byte[] yaml, String what) {
        try (JsonParser scan = parser(yaml)) {
            int depth = 0;
            for (JsonToken t = scan.nextToken(); t != null; t = scan.nextToken()) {
                if (scan instanceof YAMLParser y && (y.isCurrentAlias() || y.getObjectId() != null)) {
                    throw refused(what + " uses YAML anchors and aliases (&name, *name) at " + where(scan)
                            + "; they are not allowed: write each value out");
                }
                if (t.isStructStart() && ++depth > MAX_DEPTH) {
                    throw refused(what + " is nested deeper than " + MAX_DEPTH + " levels at " + where(scan)
                            + "; a module descriptor needs at most 4");
                }
                if (t.isStructEnd()) {
                    depth--;
                }
            }
        } catch (StreamReadException e) {
            throw refused(duplicateOrInvalid(e, what));
        } catch (IOException e) {
            throw refused(what + " cannot be read: " + e.getMessage());
        }
        try (JsonParser parser = parser(yaml)) {
            return Json.yaml().readTree(parser);
        } catch (IOException e) {
            throw refused(what + " is not valid YAML: " + firstLine(e.getMessage()));
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

    private static InvalidInput refused(String message) {
        return new InvalidInput("invalid-module", null, message);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
