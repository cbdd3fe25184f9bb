package io.labctl.sources.internal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The build's own Maven local repository, made of the configured repositories: their folders made anew (owned by
 * the build user, so Maven may add its own files), their files hard-linked (owned by labd's user, read-only to the
 * build), or copied where a link is impossible (another file system). A later repository's file replaces an earlier
 * one's, so labd's own API artifacts win over anything of the same coordinates in the cache. Maven then runs offline
 * on it: the build never reaches the network and never writes into labd's repositories.
 */
final class LinkFarm {
    private LinkFarm() {}

    /** How many files were linked (copied ones included), and the configured repositories that are not there. */
    record Made(long files, List<Path> missing) {}

    /**
     * Makes the farm from the repositories that exist: a configured one that is missing (a cache not warmed on this
     * machine, say) is left out and reported, so the build log can say why a dependency could not be found offline.
     */
    static Made make(List<Path> repositories, Path target, Owner owner) throws IOException {
        long[] files = {0};
        List<Path> missing = new ArrayList<>();
        Files.createDirectories(target);
        owner.give(target);
        for (Path repository : repositories) {
            if (!Files.isDirectory(repository)) {
                missing.add(repository);
                continue;
            }
            Files.walkFileTree(repository, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Path made = target.resolve(repository.relativize(dir).toString());
                    if (!Files.isDirectory(made)) {
                        Files.createDirectories(made);
                        owner.give(made);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String n = file.getFileName().toString();
                    // where an artifact came from is the cache's own business: to the build, every file is local
                    if (!attrs.isRegularFile() || n.equals("_remote.repositories") || n.endsWith(".lastUpdated")
                            || n.equals("resolver-status.properties")) {
                        return FileVisitResult.CONTINUE;
                    }
                    Path link = target.resolve(repository.relativize(file).toString());
                    Files.deleteIfExists(link);
                    try {
                        Files.createLink(link, file);
                    } catch (FileAlreadyExistsException e) {
                        throw e;
                    } catch (IOException | UnsupportedOperationException e) {
                        Files.copy(file, link, StandardCopyOption.REPLACE_EXISTING);
                    }
                    files[0]++;
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        return new Made(files[0], List.copyOf(missing));
    }

    /** Gives a made folder to the build user (when labd runs as root), or leaves it as it is. */
    interface Owner {
        void give(Path path) throws IOException;
    }
}
