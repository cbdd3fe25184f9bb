package io.labctl.persistence.internal;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * A capability's SQL migrations, read from wherever they are (a bundle's entries, a test's class path) by URL, and
 * handed to Flyway as its resource provider: Flyway's own class-path scanning cannot see into another bundle.
 */
final class MigrationScripts implements ResourceProvider {
    /** file name (V1__tokens.sql) to where it is */
    private final Map<String, URL> scripts;
    private final String folder;

    MigrationScripts(String folder, Map<String, URL> scripts) {
        this.folder = folder;
        this.scripts = new TreeMap<>(scripts);
    }

    boolean isEmpty() {
        return scripts.isEmpty();
    }

    @Override
    public LoadableResource getResource(String name) {
        String file = name.substring(name.lastIndexOf('/') + 1);
        URL url = scripts.get(file);
        return url == null ? null : new Script(folder + "/" + file, url);
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        return scripts.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix) && Arrays.stream(suffixes).anyMatch(e.getKey()::endsWith))
                .map(e -> (LoadableResource) new Script(folder + "/" + e.getKey(), e.getValue()))
                .toList();
    }

    List<String> names() {
        return List.copyOf(scripts.keySet());
    }

    private static final class Script extends LoadableResource {
        private final String path;
        private final URL url;

        Script(String path, URL url) {
            this.path = path;
            this.url = url;
        }

        @Override
        public Reader read() {
            try {
                return new InputStreamReader(url.openStream(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read migration " + path + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String getAbsolutePath() {
            return path;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return url.toString();
        }

        @Override
        public String getFilename() {
            return path.substring(path.lastIndexOf('/') + 1);
        }

        @Override
        public String getRelativePath() {
            return path;
        }
    }
}
