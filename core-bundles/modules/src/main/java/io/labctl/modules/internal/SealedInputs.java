package io.labctl.modules.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.api.Sealer;
import io.labctl.protocol.Json;
import io.labctl.protocol.modules.AssignmentRevision;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An assignment's inputs as stored: the values as given, those of secret inputs sealed with labd's master key
 * ({@code sealed:BASE64}, purpose {@code module-input:MODULE:NAME}), so the database never holds one in clear.
 * Opened only to build the OPEN parameters of a server that runs the module.
 */
final class SealedInputs {
    private static final String SEALED = "sealed:";
    private static final TypeReference<LinkedHashMap<String, String>> MAP = new TypeReference<>() {};

    private final Sealer sealer;

    SealedInputs(Sealer sealer) {
        this.sealer = sealer;
    }

    /** The JSON to store: secret values sealed. */
    String seal(String module, Map<String, String> given, Set<String> secrets) {
        Map<String, String> stored = new LinkedHashMap<>();
        given.forEach((name, value) -> stored.put(name, secrets.contains(name)
                ? SEALED + Base64.getEncoder().encodeToString(sealer.seal(value.getBytes(StandardCharsets.UTF_8),
                purpose(module, name))) : value));
        return json(stored);
    }

    /** The stored inputs with every sealed value opened: only for a server's OPEN parameters. */
    Map<String, String> open(String module, String stored) {
        Map<String, String> out = new LinkedHashMap<>();
        parse(stored).forEach((name, value) -> out.put(name, value.startsWith(SEALED)
                ? new String(sealer.open(Base64.getDecoder().decode(value.substring(SEALED.length())), purpose(module, name)),
                StandardCharsets.UTF_8) : value));
        return out;
    }

    /** The stored inputs for history and detail: sealed values as {@code ******}. */
    static Map<String, String> masked(String stored) {
        Map<String, String> out = new LinkedHashMap<>();
        parse(stored).forEach((name, value) -> out.put(name, value.startsWith(SEALED) ? AssignmentRevision.MASK : value));
        return out;
    }

    static String purpose(String module, String input) {
        return "module-input:" + module + ":" + input;
    }

    private static Map<String, String> parse(String stored) {
        if (stored == null || stored.isBlank()) {
            return Map.of();
        }
        try {
            return Json.json().readValue(stored, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored module inputs are not a JSON object", e);
        }
    }

    static String json(Object value) {
        try {
            return Json.json().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
