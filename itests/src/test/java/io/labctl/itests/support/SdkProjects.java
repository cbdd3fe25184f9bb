package io.labctl.itests.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Projects an author generates from this build's archetypes and builds offline, as an author's build with labctl's
 * artifacts at hand: this build's local repository for plugins and libraries, target/sdk-repo (made by
 * invoker:install; a file: repository, which offline mode may read) for labctl's own artifacts.
 */
public final class SdkProjects {
    public static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
    private final Path dir;
    private final Path settings;

    private SdkProjects(Path dir, Path settings) {
        this.dir = dir;
        this.settings = settings;
    }

    /** Projects under {@code dir}/projects, with Maven settings whose one extra repository is target/sdk-repo. */
    public static SdkProjects in(Path dir) throws IOException {
        String repo = Path.of(System.getProperty("sdk.repo")).toUri().toString();
        String repository = "<id>labctl-sdk</id><url>" + repo + "</url>"
                + "<releases><enabled>true</enabled></releases><snapshots><enabled>true</enabled><updatePolicy>always</updatePolicy></snapshots>";
        Path file = dir.resolve("settings.xml");
        Files.writeString(file, "<settings><profiles><profile><id>labctl-sdk</id>"
                + "<repositories><repository>" + repository + "</repository></repositories>"
                + "<pluginRepositories><pluginRepository>" + repository + "</pluginRepository></pluginRepositories>"
                + "</profile></profiles><activeProfiles><activeProfile>labctl-sdk</activeProfile></activeProfiles></settings>");
        return new SdkProjects(dir, file);
    }

    /** Generates {@code artifactId} (group com.example) from a labctl archetype; properties as {@code -Dk=v}. */
    public Path generate(String archetype, String artifactId, String... properties) {
        Path projects = dir.resolve("projects");
        try {
            Files.createDirectories(projects);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of(
                "org.apache.maven.plugins:maven-archetype-plugin:" + System.getProperty("archetype.version") + ":generate",
                "-DinteractiveMode=false", "-DarchetypeCatalog=internal",
                "-DarchetypeGroupId=io.labctl", "-DarchetypeArtifactId=" + archetype,
                "-DarchetypeVersion=" + System.getProperty("labctl.version"),
                "-DgroupId=com.example", "-DartifactId=" + artifactId));
        args.addAll(List.of(properties));
        mvn(projects, args.toArray(String[]::new));
        return projects.resolve(artifactId);
    }

    /** Maven offline in {@code workDir}; a failed build fails the test with its output. */
    public void mvn(Path workDir, String... args) {
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-q", "-o", "-s", settings.toString(),
                "-Dmaven.repo.local=" + System.getProperty("maven.local"), "-Daether.offline.protocols=file"));
        command.addAll(List.of(args));
        try {
            Processes.Result r = Processes.run(workDir, command, BUILD_TIMEOUT);
            assertEquals(0, r.exitCode(), () -> String.join(" ", command) + "\n" + r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
