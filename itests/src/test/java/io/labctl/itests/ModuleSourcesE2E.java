package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.labctl.itests.support.Agent;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.GitRepo;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.itests.support.SdkProjects;
import io.labctl.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module author's path end to end, through the real labd, two real agents, the real CLI, real git and real
 * Maven in labd's sandbox: a module generated from the archetype, committed to a git repository made here, added
 * with a credential, applied to one of two agents by label, changed, committed, updated, applied at its new version,
 * rolled back; a commit that does not compile and one with a wrong module API range publish nothing; access.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModuleSourcesE2E {
    static final String MODULE = "greeter";
    static final Duration BUILD = Duration.ofMinutes(6);

    @TempDir
    static Path dir;
    static Path work;
    static Labd labd;
    static Cli cli;
    static Cli viewer;
    static Path repo;
    static final List<Agent> agents = new ArrayList<>();
    static String firstCommit;

    @BeforeAll
    static void start() throws Exception {
        labd = Labd.install(dir.resolve("labd"), "");
        // builds run as another user: a work folder it can reach; labd's API artifacts after the warm cache
        work = Files.createTempDirectory(Path.of("/var/tmp"), "labctl-e2e-builds-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
        Files.writeString(labd.home.resolve("etc/io.labctl.sources.cfg"), "workDirectory = " + work + "\n"
                + "repositories = " + System.getProperty("maven.local") + "," + System.getProperty("sdk.repo") + "\n");
        Files.writeString(labd.home.resolve("etc/io.labctl.modules.cfg"), "scanSeconds = 2\ncheckMinutes = 600\n");
        labd.start();
        Files.createDirectories(dir.resolve("cli"));
        cli = new Cli(dir.resolve("cli/config.yaml"));
        cli.ok("config", "import", labd.adminBundle().toString());
        cli.ok("create", "user", "vera", "--out", dir.resolve("vera.labctl.yaml").toString());
        cli.ok("bind", "role", "viewer", "--user", "vera");
        Files.createDirectories(dir.resolve("cli-vera"));
        viewer = new Cli(dir.resolve("cli-vera/config.yaml"));
        viewer.ok("config", "import", dir.resolve("vera.labctl.yaml").toString());

        // the author's project, from the archetype, in a git repository of its own
        SdkProjects sdk = SdkProjects.in(dir);
        repo = sdk.generate("labctl-module-archetype", "greeter-module", "-DmoduleName=" + MODULE,
                "-Dpackage=com.example.greeter");
        git("init", "-q", "-b", "main");
        firstCommit = commit("greeter 1.0.0");

        for (String name : List.of("s1", "s2")) {
            cli.environments("lab:baremetal");
            String token = cli.ok("create", "token", "--env", "lab", "--label", "tier=src", "--ttl", "1h").strip();
            Agent a = Agent.install(dir.resolve("agents/" + name), name, labd.url(), token);
            Files.createDirectories(root(name));
            Files.writeString(a.home.resolve("etc/io.labctl.agent.modules.cfg"), "root = " + root(name) + "\n");
            agents.add(a.start());
        }
        for (Agent a : agents) {
            a.awaitOnline(cli, Duration.ofSeconds(120), labd.log());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (Agent a : agents) {
            a.close();
        }
        if (labd != null) {
            labd.close();
        }
        if (work != null) {
            Processes.run(dir, List.of("rm", "-rf", work.toString()), Duration.ofSeconds(60));
        }
    }

    static Path root(String agent) {
        return dir.resolve("roots/" + agent);
    }

    static String git(String... args) throws Exception {
        return new GitRepo(repo, "Module Author").git(args);
    }

    static String commit(String message) throws Exception {
        return new GitRepo(repo, "Module Author").commit(message);
    }

    /** labctl with time for a build (the CLI follows it to its end). */
    static Processes.Result build(String... args) throws Exception {
        return Processes.run(dir.resolve("cli"), cli.command(args), BUILD);
    }

    static void edit(String file, String from, String to) throws Exception {
        Path p = repo.resolve(file);
        String text = Files.readString(p);
        assertTrue(text.contains(from), file + " has no '" + from + "'");
        Files.writeString(p, text.replace(from, to));
    }

    static JsonNode source() throws Exception {
        JsonNode all = Json.json().readTree(viewer.ok("modules", "sources", "-o", "json"));
        assertEquals(1, all.size(), all.toString());
        return all.get(0);
    }

    static List<String> versions() throws Exception {
        List<String> out = new ArrayList<>();
        Json.json().readTree(cli.ok("repo", "list", "-o", "json")).forEach(e -> {
            if (e.path("name").asText().equals(MODULE)) {
                out.add(e.path("version").asText());
            }
        });
        return out;
    }

    static String config(String agent) throws Exception {
        Path f = root(agent).resolve("etc/greeter/greeter.conf");
        return Files.exists(f) ? Files.readString(f) : null;
    }

    @Test
    @Order(1)
    void aCredentialIsStoredSealedAndNeverShown() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "glpat-e2e-0123456789\n");
        assertTrue(cli.ok("create", "credential", "gitea", "--token-file", token.toString()).contains("credential/gitea created"));
        String listed = cli.ok("get", "credentials");
        assertTrue(listed.contains("gitea") && listed.contains("token"), listed);
        assertFalse(listed.contains("glpat") || cli.ok("get", "credentials", "-o", "yaml").contains("glpat"));
        assertFalse(Files.readString(labd.log()).contains("glpat-e2e"), "the token reached labd's log");

        Processes.Result denied = viewer.run("get", "credentials");
        assertEquals(1, denied.exitCode(), denied.toString());
        Processes.Result bad = cli.run("create", "credential", "x", "--token-file", dir.resolve("missing").toString());
        assertEquals(2, bad.exitCode(), bad.toString());
    }

    @Test
    @Order(2)
    void aModuleFromGitIsBuiltTestedPublishedAndAppliedByLabel() throws Exception {
        Processes.Result added = build("modules", "add", MODULE, "--git", repo.toUri().toString(), "--ref", "main",
                "--credential", "gitea");
        assertEquals(0, added.exitCode(), added.toString());
        assertTrue(added.stdout().contains("published greeter/1.0.0 from commit " + firstCommit.substring(0, 12)), added.toString());
        assertTrue(added.stderr().contains("checked out " + firstCommit), added.toString());
        assertEquals(List.of("1.0.0"), versions());

        JsonNode s = source();
        assertEquals(List.of(repo.toUri().toString(), "main", "gitea", firstCommit, "1.0.0", "admin"),
                List.of(s.path("url").asText(), s.path("ref").asText(), s.path("credential").asText(),
                        s.path("commit").asText(), s.path("version").asText(), s.path("addedBy").asText()));
        String log = cli.ok("logs", "build/" + s.path("lastBuild").asText().substring(0, 8));
        assertTrue(log.contains("Tests run: 4, Failures: 0") && log.contains("BUILD SUCCESS"), log);

        Processes.Result applied = cli.run("modules", "apply", MODULE, "-l", "name=s1");
        assertEquals(0, applied.exitCode(), applied.toString());
        assertTrue(config("s1").contains("greeting = hello\n"), config("s1"));
        assertEquals(null, config("s2"), "s2 is not selected");

        Processes.Result refusedDelete = cli.run("delete", "credential/gitea");
        assertEquals(1, refusedDelete.exitCode(), refusedDelete.toString());
        assertTrue(refusedDelete.stderr().contains("greeter"), refusedDelete.toString());
    }

    @Test
    @Order(3)
    void aNewCommitIsUpdatedAppliedAndRolledBack() throws Exception {
        edit("pom.xml", "<version>1.0.0</version>", "<version>1.1.0</version>");
        edit("src/main/resources/module.yaml", "default: hello,", "default: hello again,");
        String second = commit("greeter 1.1.0: a warmer greeting");
        Processes.Result updated = build("modules", "update", MODULE);
        assertEquals(0, updated.exitCode(), updated.toString());
        assertTrue(updated.stdout().contains("published greeter/1.1.0 from commit " + second.substring(0, 12)), updated.toString());
        assertEquals(List.of("1.1.0", "1.0.0"), versions());
        assertEquals(second, source().path("commit").asText());

        Processes.Result applied = cli.run("modules", "apply", MODULE + "@1.1.0", "-l", "name=s1");
        assertEquals(0, applied.exitCode(), applied.toString());
        assertTrue(config("s1").contains("greeting = hello again\n"), config("s1"));

        Processes.Result rolledBack = cli.run("modules", "rollback", MODULE, "1");
        assertEquals(0, rolledBack.exitCode(), rolledBack.toString());
        assertTrue(config("s1").contains("greeting = hello\n"), config("s1"));
    }

    @Test
    @Order(4)
    void brokenCommitsPublishNothing() throws Exception {
        edit("pom.xml", "<version>1.1.0</version>", "<version>1.2.0</version>");
        Path module = repo.resolve("src/main/java/com/example/greeter/internal/Module.java");
        String good = Files.readString(module);
        Files.writeString(module, good.replace("return new DesiredState()", "return new DesiredStat()"));
        commit("greeter 1.2.0: does not compile");
        Processes.Result broken = build("modules", "update", MODULE);
        assertEquals(1, broken.exitCode(), broken.toString());
        assertTrue(broken.stderr().contains("failed at build") && broken.stderr().contains("labctl logs build/"), broken.toString());
        assertTrue(cli.ok("logs", "build/" + source().path("lastBuild").asText()).contains("COMPILATION ERROR"));

        Files.writeString(module, good);
        edit("pom.xml", "<Export-Package />", "<Export-Package />\n            <Import-Package>io.labctl.module;version=\"[2.0,3)\",*</Import-Package>");
        commit("greeter 1.2.0: a module API range this labd does not have");
        Processes.Result range = build("modules", "update", MODULE);
        assertEquals(1, range.exitCode(), range.toString());
        assertTrue(range.stderr().contains("failed at check") && range.stderr().contains("does not hold this labd's module API"),
                range.toString());

        assertEquals(List.of("1.1.0", "1.0.0"), versions(), "a failed build publishes nothing");
        assertEquals("1.1.0", source().path("version").asText());
        assertEquals("failed", source().path("lastState").asText());
    }

    @Test
    @Order(5)
    void accessAndBadInput() throws Exception {
        Processes.Result denied = viewer.run("modules", "add", "other", "--git", repo.toUri().toString());
        assertEquals(1, denied.exitCode(), denied.toString());
        assertEquals(1, viewer.run("modules", "update", MODULE).exitCode());
        assertTrue(viewer.ok("modules", "sources").contains(MODULE));

        Processes.Result unknownRef = build("modules", "add", "other", "--git", repo.toUri().toString(), "--ref", "v9");
        assertEquals(1, unknownRef.exitCode(), unknownRef.toString());
        assertTrue(unknownRef.stderr().contains("failed at clone") && unknownRef.stderr().contains("its branches: main"),
                unknownRef.toString());
        Processes.Result unreachable = build("modules", "add", "other", "--git", "http://127.0.0.1:9/other.git");
        assertEquals(1, unreachable.exitCode(), unreachable.toString());
        assertTrue(unreachable.stderr().contains("cannot clone http://127.0.0.1:9/other.git"), unreachable.toString());
        assertEquals(2, cli.run("modules", "add", "Other", "--git", repo.toUri().toString()).exitCode());

        JsonNode rows = Json.json().readTree(cli.ok("logs", "audit", "--action", "module.source.build-update", "-o", "json"));
        assertTrue(rows.size() >= 3, rows.toString());
        boolean okWithCommit = false;
        for (JsonNode r : rows) {
            okWithCommit |= r.path("result").asText().equals("ok") && r.path("detail").asText().contains("sha256");
        }
        assertTrue(okWithCommit, rows.toString());
        assertFalse(cli.ok("logs", "audit", "--action", "module.source.add", "-o", "json").isBlank());
    }
}
