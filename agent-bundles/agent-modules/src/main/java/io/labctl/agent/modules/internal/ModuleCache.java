package io.labctl.agent.modules.internal;

import io.labctl.agent.api.LabdRequests;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Module jars from labd's repository, cached by content: {@code <dir>/<sha256>.jar}. A cached file is used only if
 * its digest is still the one asked for (a corrupt or altered file is fetched again); a fetched file only if its
 * digest is the one labd named in the run's request. Nothing unverified is ever handed out.
 */
final class ModuleCache {
    private static final Logger LOG = LoggerFactory.getLogger(ModuleCache.class);
    static final String SUFFIX = ".jar";

    /** How a jar is fetched: labd's repository with the agent's identity (see {@link LabdRequests#download}). */
    interface Fetcher {
        LabdRequests.Download download(String path, Path target, long maxBytes) throws IOException, InterruptedException;
    }

    private final Path dir;
    private final Fetcher fetcher;
    private final long maxBytes;

    ModuleCache(Path dir, Fetcher fetcher, long maxBytes) {
        this.dir = dir;
        this.fetcher = fetcher;
        this.maxBytes = maxBytes;
    }

    /** The repository path of a name's version: {@code /api/v1/repo/{name}/{version}/content}. */
    static String contentPath(String name, String version) {
        return "/api/v1/repo/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20") + "/"
                + URLEncoder.encode(version, StandardCharsets.UTF_8).replace("+", "%20") + "/content";
    }

    /** The verified jar of the module: from the cache if intact, else fetched, checked and cached. */
    Path jar(String module, String version, String sha256) throws ModuleRunException, InterruptedException {
        Path cached = dir.resolve(sha256 + SUFFIX);
        try {
            Files.createDirectories(dir);
            if (Files.isRegularFile(cached)) {
                if (sha256.equals(Sha256.of(cached))) {
                    return cached;
                }
                LOG.warn("cached module jar {} does not match its digest any more: fetching it again", cached);
                Files.delete(cached);
            }
        } catch (IOException e) {
            throw new ModuleRunException(ModuleRunException.UNAVAILABLE, "cannot use the module cache " + dir + ": "
                    + e.getMessage(), e);
        }
        return fetch(module, version, sha256, cached);
    }

    private Path fetch(String module, String version, String sha256, Path cached)
            throws ModuleRunException, InterruptedException {
        String what = module + " " + version;
        Path download = dir.resolve(sha256 + ".download");
        LabdRequests.Download answer;
        try {
            answer = fetcher.download(contentPath(module, version), download, maxBytes);
        } catch (IOException e) {
            throw new ModuleRunException(ModuleRunException.UNAVAILABLE, "cannot fetch module " + what
                    + " from labd's repository: " + e.getMessage(), e);
        }
        if (!answer.ok()) {
            throw new ModuleRunException(ModuleRunException.UNAVAILABLE, "labd's repository did not serve module "
                    + what + " (HTTP " + answer.status() + "): " + answer.error());
        }
        try {
            String actual = Sha256.of(download);
            if (!sha256.equals(actual)) {
                Files.deleteIfExists(download);
                throw new ModuleRunException(ModuleRunException.DIGEST_MISMATCH, "module " + what
                        + " from labd's repository has SHA-256 " + actual + ", but the run expects " + sha256
                        + (answer.sha256Header() == null ? "" : " (labd's header said " + answer.sha256Header() + ")")
                        + "; nothing was installed. Push the module again (labctl repo push) or apply the version"
                        + " the repository holds");
            }
            Files.move(download, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return cached;
        } catch (IOException e) {
            throw new ModuleRunException(ModuleRunException.UNAVAILABLE, "cannot store module " + what + " in "
                    + dir + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(download);
        }
    }

    /** Removes cached jars whose digest is not in {@code keep} (the ones of installed modules). */
    void prune(Set<String> keep) {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(SUFFIX) && !keep.contains(name.substring(0, name.length() - SUFFIX.length()))) {
                    deleteQuietly(file);
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot prune the module cache {}: {}", dir, e.getMessage());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", file, e.getMessage());
        }
    }
}
