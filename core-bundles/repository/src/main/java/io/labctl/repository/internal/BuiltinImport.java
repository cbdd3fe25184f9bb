package io.labctl.repository.internal;

import io.labctl.api.ApiException;
import io.labctl.protocol.modules.RepoEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The modules that ship with labd (jars in {@code ${karaf.home}/modules}) go into the repository at start, unless
 * NAME/VERSION is there already. A jar that is not a valid module, or that differs from the entry of its
 * NAME/VERSION, is logged and left out: it never stops labd, nor replaces what an operator pushed.
 */
final class BuiltinImport {
    static final String UPLOADED_BY = "labd (built-in)";
    private static final Logger LOG = LoggerFactory.getLogger(BuiltinImport.class);

    private final RepositoryService repository;

    BuiltinImport(RepositoryService repository) {
        this.repository = repository;
    }

    /** Imports every module jar in the folder; returns the entries this call stored. */
    List<RepoEntry> importFrom(Path folder) {
        List<RepoEntry> imported = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            LOG.debug("no built-in modules: {} is not a folder", folder);
            return imported;
        }
        for (Path jar : jars(folder)) {
            try (InputStream in = Files.newInputStream(jar);
                    Upload upload = repository.receive(in)) {
                // null name and version: only a module jar is accepted, its NAME/VERSION from its module.yaml
                Pushed pushed = repository.store(upload, jar.getFileName().toString(), null, null, UPLOADED_BY);
                if (pushed.created()) {
                    imported.add(pushed.entry());
                    LOG.info("imported built-in module {} (sha256 {})", pushed.entry().coordinates(), pushed.entry().sha256());
                }
            } catch (ApiException e) {
                LOG.warn("built-in {} not imported: {}", jar, e.getMessage());
            } catch (IOException | RuntimeException e) {
                LOG.warn("built-in {} not imported: {}", jar, e.toString());
            }
        }
        return imported;
    }

    private static List<Path> jars(Path folder) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.jar")) {
            files.forEach(out::add);
        } catch (IOException e) {
            LOG.warn("cannot list the built-in modules in {}: {}", folder, e.getMessage());
        }
        out.sort(null);
        return out;
    }
}
