package io.labctl.sources.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.sources.BuildInfo;
import io.labctl.protocol.sources.CredentialInfo;
import io.labctl.protocol.sources.CredentialSpec;
import io.labctl.protocol.sources.SourceInfo;
import io.labctl.protocol.sources.SourceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Custom modules from git through the real pipeline: real git repositories made here (file://), JGit, bubblewrap,
 * Maven offline on this build's own artifacts, the module's own tests, a real PostgreSQL. Only the repository's store
 * and the audit trail are doubles (the repository's checks run end to end in ModuleSourcesE2E).
 */
class BuildServiceTest extends SourcesDatabase {
    static final Duration WAIT = Duration.ofMinutes(4);
    @TempDir
    Path tmp;
    static Path work;
    static Path api;
    CredentialService credentials;
    Fakes.Repository repository;
    Fakes.Audit audit;
    BuildService builds;

    /**
     * labd's API artifacts as this build made them (target/api-repo: labctl-module-api, the test kit and what they
     * need, with their poms) and their parent poms from the source tree: what a labd distribution ships for its
     * module builds. Listed after the cache, so they win over anything of the same coordinates there.
     */
    static Path apiRepository() throws Exception {
        Path repo = Path.of(System.getProperty("api.repo"));
        Path root = Path.of(System.getProperty("labctl.root"));
        String version = ModuleProjects.LABCTL_VERSION;
        for (String[] parent : new String[][] {{"labctl-parent", "pom.xml"}, {"agent-bundles", "agent-bundles/pom.xml"},
                {"core-bundles", "core-bundles/pom.xml"}}) {
            Path dir = Files.createDirectories(repo.resolve("io/labctl/" + parent[0] + "/" + version));
            Files.copy(root.resolve(parent[1]), dir.resolve(parent[0] + "-" + version + ".pom"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return repo;
    }

    @BeforeAll
    static void workFolder() throws Exception {
        api = apiRepository();
        // builds run as another user: their folder must be reachable by it (a JUnit temporary folder is not)
        work = Files.createTempDirectory(Path.of("/var/tmp"), "labctl-builds-test-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
    }

    @AfterAll
    static void removeWorkFolder() {
        BuildService.deleteTree(work);
    }

    static BuildSettings settings(Duration timeout) {
        return new BuildSettings(work, List.of(Path.of(System.getProperty("maven.local")), api), 65534, 65534, List.of(),
                timeout, 2048L << 20, Duration.ofSeconds(20), BuildSettings.mavenHome(""),
                Path.of(System.getProperty("java.home")), "bwrap", 512 * 1024, work.resolve("known_hosts"));
    }

    @BeforeEach
    void fresh() throws Exception {
        empty();
        credentials = new CredentialService(db, new Fakes.AesSealer());
        credentials.decisions = new Fakes.Access();
        repository = new Fakes.Repository();
        audit = new Fakes.Audit();
        builds = service(Duration.ofMinutes(5));
    }

    BuildService service(Duration timeout) {
        BuildService s = new BuildService(db, credentials, repository, audit, settings(timeout));
        s.decisions = new Fakes.Access();
        return s;
    }

    BuildInfo waitFor(BuildService service, BuildInfo started) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            BuildInfo b = service.build(Fakes.VIEWER, started.id());   // a reader follows it, as the CLI of anyone may
            if (!BuildInfo.RUNNING.equals(b.state())) {
                return b;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("build " + started.id() + " still running after " + WAIT);
    }

    @Test
    void aTestedModuleIsPublishedFromGitAndAnUpdatePublishesTheNextCommit() throws Exception {
        Path src = tmp.resolve("greet");
        String first;
        try (Git git = ModuleProjects.create(src, "greet", "1.0.0", ModuleProjects.GOOD_TEST)) {
            first = git.getRepository().resolve("HEAD").getName();
        }
        BuildInfo started = builds.add(Fakes.ADMIN, new SourceSpec("greet", src.toUri().toString(), "main", null));
        assertEquals(BuildInfo.RUNNING, started.state());
        BuildInfo b = waitFor(builds, started);
        assertEquals(BuildInfo.SUCCEEDED, b.state(), b.detail() + "\n" + b.log());
        assertEquals(first, b.commit());
        assertEquals("1.0.0", b.version());
        assertTrue(b.log().contains("Tests run: 1, Failures: 0"), b.log());
        assertTrue(b.log().contains("network none"), b.log());
        assertEquals(1, repository.pushed.size());
        assertEquals("greet", repository.pushed.get(0).entry().name());
        assertEquals(b.sha256(), repository.pushed.get(0).entry().sha256());
        assertFalse(Files.exists(work.resolve(b.id())), "the build's folder is removed");

        SourceInfo s = builds.sources(Fakes.VIEWER).get(0);
        assertEquals(List.of("greet", src.toUri().toString(), "main", first, "1.0.0", "admin"),
                List.of(s.name(), s.url(), s.ref(), s.commit(), s.version(), s.addedBy()));
        Fakes.Audit.Row row = audit.rows.get(audit.rows.size() - 1);
        assertEquals(AuditEntry.OK, row.result());
        assertTrue(row.detail().contains(first) && row.detail().contains(b.sha256()), row.detail());

        assertEquals(409, assertThrows(ApiException.class, () -> builds.add(Fakes.ADMIN,
                new SourceSpec("greet", src.toUri().toString(), null, null))).status());

        String second;
        try (Git git = Git.open(src.toFile())) {
            ModuleProjects.write(src, "greet", "1.1.0", ModuleProjects.GOOD_TEST);
            second = ModuleProjects.commit(git, "greet 1.1.0");
        }
        BuildInfo updated = waitFor(builds, builds.update(Fakes.ADMIN, "greet"));
        assertEquals(BuildInfo.SUCCEEDED, updated.state(), updated.detail() + "\n" + updated.log());
        assertEquals(2, repository.pushed.size());
        s = builds.sources(Fakes.ADMIN).get(0);
        assertEquals(List.of(second, "1.1.0", "admin"), List.of(s.commit(), s.version(), s.updatedBy()));
        assertNotNull(s.updatedAt());

        // removing the source: refused while a build of it runs (it would record the source again), then labd forgets
        // it; what it published stays, and so do its builds' logs
        try (Git git = Git.open(src.toFile())) {
            Files.writeString(src.resolve("pom.xml"), "<project>not a pom");   // this build fails fast
            ModuleProjects.commit(git, "broken pom");
        }
        BuildInfo third = builds.update(Fakes.ADMIN, "greet");
        ApiException running = assertThrows(ApiException.class, () -> builds.remove(Fakes.ADMIN, "greet"));
        assertEquals(409, running.status());
        assertTrue(running.getMessage().contains(third.id()), running.getMessage());
        assertEquals(BuildInfo.FAILED, waitFor(builds, third).state());
        assertEquals(403, assertThrows(ApiException.class, () -> builds.remove(Fakes.VIEWER, "greet")).status());
        SourceInfo removed = builds.remove(Fakes.ADMIN, "greet");
        assertEquals(List.of("greet", second, "1.1.0"), List.of(removed.name(), removed.commit(), removed.version()));
        assertTrue(builds.sources(Fakes.ADMIN).isEmpty());
        assertEquals(404, assertThrows(ApiException.class, () -> builds.update(Fakes.ADMIN, "greet")).status());
        assertEquals(404, assertThrows(ApiException.class, () -> builds.remove(Fakes.ADMIN, "greet")).status());
        assertEquals(2, repository.pushed.size(), "what it published stays");
        assertTrue(builds.build(Fakes.VIEWER, updated.id()).log().contains("Tests run: 1"));
    }

    /** A whole Maven build: in the modules-e2e profile (the default run builds one module, above). */
    @Test
    @Tag("module-builds")
    void aModuleWithoutTestsIsRefusedAndNothingIsPublished() throws Exception {
        Path src = tmp.resolve("untested");
        ModuleProjects.create(src, "untested", "1.0.0", null).close();
        BuildInfo b = waitFor(builds, builds.add(Fakes.ADMIN, new SourceSpec("untested", src.toUri().toString(), null, null)));
        assertEquals(BuildInfo.FAILED, b.state(), b.log());
        assertEquals("test", b.step());
        assertTrue(b.detail().contains("no test ran"), b.detail());
        assertTrue(repository.pushed.isEmpty());
        assertTrue(builds.sources(Fakes.ADMIN).isEmpty(), "a failed add records no source");
        assertEquals(AuditEntry.FAILED, audit.rows.get(audit.rows.size() - 1).result());
    }

    /** A whole Maven build: in the modules-e2e profile. */
    @Test
    @Tag("module-builds")
    void aBuildWhoseStartersAccessEndsWhileItRunsPublishesNothing() throws Exception {
        Path src = tmp.resolve("revoked");
        ModuleProjects.create(src, "revoked", "1.0.0", ModuleProjects.GOOD_TEST).close();
        Fakes.Access access = new Fakes.Access();
        builds.decisions = access;
        BuildInfo started = builds.add(Fakes.ADMIN, new SourceSpec("revoked", src.toUri().toString(), null, null));
        access.revoked.add(Fakes.ADMIN);   // the admin is deleted while the module builds
        BuildInfo b = waitFor(builds, started);
        access.revoked.clear();
        assertEquals(List.of(BuildInfo.FAILED, "publish"), List.of(b.state(), b.step()), b.log());
        assertTrue(b.detail().contains("no longer has admin access"), b.detail());
        assertTrue(repository.pushed.isEmpty());
        assertTrue(builds.sources(Fakes.ADMIN).isEmpty());
        Fakes.Audit.Row row = audit.rows.get(audit.rows.size() - 1);
        assertEquals(AuditEntry.FAILED, row.result());
    }

    /** A whole Maven build: in the modules-e2e profile. */
    @Test
    @Tag("module-builds")
    void aBuildCannotReadLabdsMasterKey() throws Exception {
        // where labd keeps its master key: readable by labd's user only, outside the sandbox's view
        Path keys = Files.createDirectories(tmp.resolve("labd/etc/keys"));
        Path key = keys.resolve("master.key");
        Files.writeString(key, "MASTER-KEY-MATERIAL-0123456789");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path src = tmp.resolve("thief");
        ModuleProjects.create(src, "thief", "1.0.0", "String stolen = java.nio.file.Files.readString(java.nio.file.Path.of(\""
                + key + "\"));\nSystem.out.println(\"STOLEN \" + stolen);\n").close();
        BuildInfo b = waitFor(builds, builds.add(Fakes.ADMIN, new SourceSpec("thief", src.toUri().toString(), null, null)));
        assertEquals(BuildInfo.FAILED, b.state(), b.log());
        assertEquals("test", b.step(), b.detail());
        assertTrue(b.log().contains("NoSuchFileException"), b.log());
        assertFalse(b.log().contains("MASTER-KEY-MATERIAL"), "the key reached the build");
        assertTrue(repository.pushed.isEmpty());
    }

    @Test
    void aBuildPastItsTimeLimitIsKilledWithAllItStartedAndPublishesNothing() throws Exception {
        Path src = tmp.resolve("slow");
        ModuleProjects.create(src, "slow", "1.0.0", "Thread.sleep(600_000);\n").close();
        BuildService quick = service(Duration.ofSeconds(6));
        BuildInfo b = waitFor(quick, quick.add(Fakes.ADMIN, new SourceSpec("slow", src.toUri().toString(), null, null)));
        assertEquals(BuildInfo.FAILED, b.state(), b.log());
        assertEquals("build", b.step());
        assertTrue(b.detail().contains("time limit of 6 s"), b.detail());
        assertTrue(repository.pushed.isEmpty());
        Thread.sleep(500);
        List<String> left = ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(b.id()) || c.contains("/build/settings.xml")).toList();
        assertEquals(List.of(), left, "processes of the build still running");
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/memory/labctl-build-" + b.id().substring(0, 8))));
        assertFalse(Files.exists(work.resolve(b.id())));
    }

    @Test
    void badSourcesAreRefusedSayingWhatIsWrong() throws Exception {
        Path src = tmp.resolve("greet");
        ModuleProjects.create(src, "greet", "1.0.0", ModuleProjects.GOOD_TEST).close();
        String url = src.toUri().toString();

        BuildInfo unreachable = waitFor(builds, builds.add(Fakes.ADMIN, new SourceSpec("greet", "http://127.0.0.1:9/none.git", null, null)));
        assertEquals(List.of(BuildInfo.FAILED, "clone"), List.of(unreachable.state(), unreachable.step()));
        assertTrue(unreachable.detail().startsWith("cannot clone http://127.0.0.1:9/none.git"), unreachable.detail());

        BuildInfo unknownRef = waitFor(builds, builds.add(Fakes.ADMIN, new SourceSpec("greet", url, "release-9", null)));
        assertEquals(List.of(BuildInfo.FAILED, "clone"), List.of(unknownRef.state(), unknownRef.step()));
        assertTrue(unknownRef.detail().contains("'release-9' is not a branch, tag or commit")
                && unknownRef.detail().contains("its branches: main"), unknownRef.detail());
        assertTrue(builds.build(Fakes.VIEWER, unknownRef.id().substring(0, 8)).log().contains("failed at clone: ref"));

        // over the git protocol on loopback (git daemon): cloned, then the ref is looked up in what came
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process daemon = new ProcessBuilder("git", "daemon", "--export-all", "--reuseaddr", "--listen=127.0.0.1",
                "--port=" + port, "--base-path=" + tmp, tmp.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("daemon.log").toFile()).start();
        try {
            String gitUrl = "git://127.0.0.1:" + port + "/greet";
            BuildInfo overGit = null;
            for (int i = 0; i < 20; i++) {   // the daemon listens a moment after it starts
                overGit = waitFor(builds, builds.add(Fakes.ADMIN, new SourceSpec("greet", gitUrl, "v7", null)));
                if (overGit.detail().contains("its branches")) {
                    break;
                }
                Thread.sleep(250);
            }
            assertTrue(overGit.detail().contains("'v7' is not a branch, tag or commit of " + gitUrl)
                    && overGit.detail().contains("its branches: main"), overGit.detail());
        } finally {
            daemon.destroy();
            daemon.waitFor();
        }

        assertEquals(400, assertThrows(ApiException.class, () -> builds.add(Fakes.ADMIN, new SourceSpec("greet", "ftp://x/y", null, null))).status());
        assertTrue(assertThrows(ApiException.class, () -> builds.add(Fakes.ADMIN,
                new SourceSpec("greet", "https://me:pw@host/r.git", null, null))).getMessage().contains("--credential"));
        assertEquals(400, assertThrows(ApiException.class, () -> builds.add(Fakes.ADMIN, new SourceSpec("Greet", url, null, null))).status());
        assertEquals(400, assertThrows(ApiException.class, () -> builds.add(Fakes.ADMIN, new SourceSpec("greet", url, "--upload-pack=x", null))).status());
        assertEquals(404, assertThrows(ApiException.class, () -> builds.add(Fakes.ADMIN, new SourceSpec("greet", url, null, "nope"))).status());
        assertEquals(404, assertThrows(ApiException.class, () -> builds.update(Fakes.ADMIN, "greet")).status());
        assertEquals(403, assertThrows(ApiException.class, () -> builds.add(Fakes.VIEWER, new SourceSpec("greet", url, null, null))).status());
        assertEquals(403, assertThrows(ApiException.class, () -> builds.update(Fakes.VIEWER, "greet")).status());
        assertEquals(403, assertThrows(ApiException.class, () -> builds.sources(new io.labctl.api.Identity(
                io.labctl.api.Identity.Kind.USER, "nobody"))).status());
        assertTrue(repository.pushed.isEmpty());
        assertTrue(builds.sources(Fakes.VIEWER).isEmpty());

        credentials.create(Fakes.ADMIN, new CredentialSpec("gitea", CredentialInfo.TOKEN, "t0ken"));
        BuildInfo withCredential = waitFor(builds, builds.add(Fakes.ADMIN, new SourceSpec("greet", "http://127.0.0.1:9/none.git", null, "gitea")));
        assertFalse(withCredential.log().contains("t0ken"));
        assertEquals(Optional.of("gitea"), Optional.ofNullable(withCredential.url()).map(u -> "gitea"));
    }
}
