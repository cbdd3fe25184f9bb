package io.labctl.module.engine;

import java.io.IOException;
import java.io.InputStream;

import org.osgi.annotation.versioning.ConsumerType;

/** Where artifacts come from (labd's repository on an agent; bytes in memory in a test). */
@ConsumerType
@FunctionalInterface
public interface ArtifactSource {
    /** The artifact's raw bytes; the engine checks their SHA-256 itself. */
    InputStream open(String name, String version) throws IOException;
}
