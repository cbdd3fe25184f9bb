package io.labctl.cli.config;

import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and writes the config file: YAML through the shared mapper, written owner-only (0600) and atomically. */
public final class ConfigStore {
    private ConfigStore() {}

    /** The config in the file, or an empty one if there is no file yet. */
    public static LabctlConfig load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return LabctlConfig.empty();
        }
        String text = Files.readString(file);
        if (text.isBlank()) {
            return LabctlConfig.empty();
        }
        try {
            LabctlConfig c = Json.yaml().readValue(text, LabctlConfig.class);
            return c == null ? LabctlConfig.empty() : c;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("not a labctl config file (" + e.getOriginalMessage() + ")", e);
        }
    }

    public static void save(Path file, LabctlConfig config) throws IOException {
        CredentialBundle.writeOwnerOnly(file, Json.yaml().writeValueAsString(config));
    }
}
