package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.GitRepo;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.protocol.Json;
import io.labctl.protocol.apps.AppRelease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app from git, end to end through the real labd, CLI, git and Maven in labd's sandbox: the postgresql app's
 * project committed to a git repository made here, added with {@code labctl apps add --git}, built offline with its
 * own tests, its runnable jar published, installed with the stand-in engine (a test double of the pulumi binary),
 * then a new commit updated and upgraded to. Profile modules-e2e (a build takes about a minute).
 */
class AppSourcesE2E {
    static final Duration BUILD = Duration.ofMinutes(8);

    @TempDir
    static Path dir;
    static Path work;
    static Labd labd;
    static Cli cli;
    static Path repo;
    static GitRepo author;

    @BeforeAll
    static void start() throws Exception {
        labd = Labd.install(dir.resolve("labd"), "");
        work = Files.createTempDirectory(Path.of("/var/tmp"), "labctl-e2e-app-builds-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
        // the build's Maven repository: the one that built labctl (the Pulumi SDKs, the apps' parent and support)
        Files.writeString(labd.home.resolve("etc/io.labctl.sources.cfg"), "workDirectory = " + work + "\n"
                + "repositories = " + System.getProperty("maven.local") + "\n");
        Files.writeString(labd.home.resolve("etc/io.labctl.pulumi.engine.cfg"), "pulumiBinary = " + PulumiRunsIT.STANDIN
                + "\n");
        labd.start();
        Files.createDirectories(dir.resolve("cli"));
        cli = new Cli(dir.resolve("cli/config.yaml"));
        cli.ok("config", "import", labd.adminBundle().toString());
        cli.environments("lab:baremetal");

        // the author's project: the postgresql app as it is in apps/, on its own in a repository
        repo = Files.createDirectories(dir.resolve("postgresql-app"));
        Path app = Path.of(System.getProperty("labctl.root"), "apps", "postgresql");
        Files.copy(app.resolve("pom.xml"), repo.resolve("pom.xml"));
        try (Stream<Path> files = Files.walk(app.resolve("src"))) {
            for (Path f : files.toList()) {
                Path to = repo.resolve(app.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        author = new GitRepo(repo, "App Author");
        author.git("init", "-q", "-b", "main");
        author.commit("postgresql app");
    }

    @AfterAll
    static void stop() throws Exception {
        if (labd != null) {
            labd.close();
        }
        if (work != null) {
            Processes.run(dir, List.of("rm", "-rf", work.toString()), Duration.ofSeconds(60));
        }
    }

    static Processes.Result build(String... args) throws Exception {
        return Processes.run(dir.resolve("cli"), cli.command(args), BUILD);
    }

    @Test
    void anAppFromGitIsBuiltTestedPublishedInstalledUpdatedAndUpgraded() throws Exception {
        Processes.Result added = build("apps", "add", "postgresql", "--git", repo.toUri().toString(), "--ref", "main");
        assertEquals(0, added.exitCode(), added + "\n" + labd.log());
        assertTrue(added.stdout().contains("published postgresql/1.0.0"), added.stdout());
        JsonNode sources = Json.json().readTree(cli.ok("apps", "sources", "-o", "json"));
        assertEquals(1, sources.size(), sources.toString());
        assertEquals("app", sources.get(0).path("kind").asText());
        assertEquals("[]", Json.json().readTree(cli.ok("modules", "sources", "-o", "json")).toString(),
                "an app's source is no module's");

        Path secrets = Files.writeString(dir.resolve("secrets.yaml"), "password: from-git-s3cret\n");
        Processes.Result install = cli.run("apps", "install", "postgresql", "--env", "lab", "-f", secrets.toString());
        assertEquals(0, install.exitCode(), install.toString());

        // the author's next version: a new commit, updated, then the install upgraded to it
        Path pom = repo.resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom).replace("<properties>",
                "<properties><app.version>1.1.0</app.version>"));
        author.commit("postgresql app 1.1.0");
        Processes.Result updated = build("apps", "update", "postgresql");
        assertEquals(0, updated.exitCode(), updated.toString());
        assertTrue(updated.stdout().contains("published postgresql/1.1.0"), updated.stdout());
        assertEquals(0, cli.run("apps", "upgrade", "postgresql", "--env", "lab").exitCode());
        AppRelease status = Json.json().readValue(cli.ok("apps", "status", "postgresql", "--env", "lab", "-o", "json"),
                AppRelease.class);
        assertEquals("1.1.0", status.deployed().version());
    }
}
