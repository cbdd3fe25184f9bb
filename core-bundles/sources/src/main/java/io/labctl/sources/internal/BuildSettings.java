package io.labctl.sources.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@link SourcesConfig} resolved: paths with ${karaf.home}, ${karaf.data} and ${user.home} expanded, Maven and Java found. */
record BuildSettings(Path workDirectory, List<Path> repositories, int uid, int gid, List<Integer> groups,
        Duration timeout, long memoryBytes, Duration cloneTimeout, Path mavenHome, Path javaHome, String bwrap,
        int maxLogBytes, Path knownHosts) {

    static BuildSettings of(SourcesConfig c) {
        List<Path> repositories = new ArrayList<>();
        for (String r : c.repositories().split(",")) {
            if (!r.isBlank()) {
                repositories.add(Path.of(expand(r.strip())));
            }
        }
        List<Integer> groups = Arrays.stream(c.buildGroups().split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(Integer::valueOf).toList();
        Path java = c.javaHome().isBlank() ? Path.of(System.getProperty("java.home")) : Path.of(expand(c.javaHome()));
        return new BuildSettings(Path.of(expand(c.workDirectory())), List.copyOf(repositories), c.buildUid(),
                c.buildGid(), groups, Duration.ofSeconds(c.buildTimeoutSeconds()), (long) c.memoryMiB() << 20,
                Duration.ofSeconds(c.cloneTimeoutSeconds()), mavenHome(c.mavenHome()), java, c.bwrap(),
                c.maxLogKiB() * 1024, Path.of(expand(c.knownHostsFile())));
    }

    static String expand(String text) {
        return text.replace("${karaf.home}", System.getProperty("karaf.home", "."))
                .replace("${user.home}", System.getProperty("user.home"))
                .replace("${karaf.data}", System.getProperty("karaf.data", "data"))
                .replace("${karaf.etc}", System.getProperty("karaf.etc", "etc"));
    }

    /** The configured Maven home, or the one {@code mvn} on the PATH belongs to (its real path: bin/mvn's parent). */
    static Path mavenHome(String configured) {
        if (!configured.isBlank()) {
            return Path.of(expand(configured));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path mvn = Path.of(dir.isEmpty() ? "." : dir, "mvn");
            if (Files.isExecutable(mvn)) {
                try {
                    return mvn.toRealPath().getParent().getParent();
                } catch (java.io.IOException e) {
                    // try the next
                }
            }
        }
        return null;
    }
}
