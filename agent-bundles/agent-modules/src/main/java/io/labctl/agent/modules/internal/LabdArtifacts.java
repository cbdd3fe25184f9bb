package io.labctl.agent.modules.internal;

import io.labctl.agent.api.LabdRequests;
import io.labctl.module.engine.ArtifactSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;

/**
 * Artifacts (a k3s binary, say) from labd's repository, with the agent's identity, bounded in size. The bytes go to a
 * temporary file that disappears when the engine closes the stream; the engine checks their SHA-256 itself.
 */
final class LabdArtifacts implements ArtifactSource {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");

    private final ModuleCache.Fetcher fetcher;
    private final Path tempDir;
    private final long maxBytes;

    LabdArtifacts(ModuleCache.Fetcher fetcher, Path tempDir, long maxBytes) {
        this.fetcher = fetcher;
        this.tempDir = tempDir;
        this.maxBytes = maxBytes;
    }

    @Override
    public InputStream open(String name, String version) throws IOException {
        if (name == null || version == null || !NAME.matcher(name).matches() || !NAME.matcher(version).matches()) {
            throw new IOException("artifact name and version must match " + NAME.pattern() + ": '" + name + "' '"
                    + version + "'");
        }
        Files.createDirectories(tempDir);
        Path file = Files.createTempFile(tempDir, "artifact-", ".download");
        try {
            LabdRequests.Download answer = fetcher.download(ModuleCache.contentPath(name, version), file, maxBytes);
            if (!answer.ok()) {
                throw new IOException("labd's repository did not serve artifact " + name + " " + version + " (HTTP "
                        + answer.status() + "): " + answer.error());
            }
            return Files.newInputStream(file, StandardOpenOption.DELETE_ON_CLOSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Files.deleteIfExists(file);
            throw new InterruptedIOException("interrupted while fetching artifact " + name + " " + version);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }
}
