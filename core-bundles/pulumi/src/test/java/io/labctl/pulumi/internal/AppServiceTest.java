package io.labctl.pulumi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.repository.BundleRepository;
import io.labctl.api.testing.RuleBook;
import io.labctl.environments.internal.EnvironmentService;
import io.labctl.persistence.Database;
import io.labctl.persistence.internal.TestDatabases;
import io.labctl.protocol.apps.AppRelease;
import io.labctl.protocol.apps.AppRequest;
import io.labctl.protocol.apps.AppRevision;
import io.labctl.protocol.modules.RepoEntry;
import io.labctl.protocol.pulumi.PulumiRun;
import io.labctl.pulumi.engine.EngineException;
import io.labctl.pulumi.engine.EngineOutcome;
import io.labctl.pulumi.engine.EngineRun;
import io.labctl.pulumi.engine.Operation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apps' revisions through the real database, access grammar and runner, with an in-process test double for the
 * engine (RunServiceTest's) and an in-memory repository holding real app jars. The real repository and engine
 * stand-in are used end to end by PulumiRunsIT.
 */
@Timeout(120)
class AppServiceTest {
    static final Identity ADMIN = new Identity(Identity.Kind.USER, "admin");
    static final Identity DEPLOYER = new Identity(Identity.Kind.USER, "deployer");
    static final Identity APPLIER = new Identity(Identity.Kind.USER, "applier");
    static final Identity READER = new Identity(Identity.Kind.USER, "reader");

    @TempDir
    static Path dir;
    static Database db;
    static EnvironmentService environments;
    static final RuleBook rules = new RuleBook()
            .allow(ADMIN, "admin:*:*:*")
            .allow(DEPLOYER, "apply:baremetal:lab:*").allow(DEPLOYER, "destroy:baremetal:lab:*")
            .allow(DEPLOYER, "read:baremetal:lab:*")
            .allow(APPLIER, "apply:baremetal:lab:*").allow(APPLIER, "read:baremetal:lab:*")
            .allow(READER, "read:baremetal:lab:*");
    final RunServiceTest.EngineDouble engine = new RunServiceTest.EngineDouble();
    final MemoryRepository repository = new MemoryRepository();
    RunService runs;
    AppService apps;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabases.start(dir.resolve("pg"));
        TestDatabases.schema(db, "pulumi");
        environments = new EnvironmentService(db, TestDatabases.schema(db, "environments"));
        environments.create("lab", "baremetal", "admin");
    }

    @AfterAll
    static void stop() throws Exception {
        TestDatabases.stop(db);
    }

    @BeforeEach
    void fresh() throws Exception {
        TestDatabases.sql(db, "TRUNCATE pulumi_app_revisions, pulumi_runs, pulumi_run_lines, pulumi_stacks");
        runs = TestServices.runs(db, engine, environments, dir);
        apps = TestServices.apps(runs, repository, db, environments);
        repository.put("web", "1.0.0", "8080");
        repository.put("web", "1.1.0", "9090");
    }

    @AfterEach
    void end() {
        engine.release.countDown();
        runs.stop();
    }

    @Test
    void anInstallRunsTheAppsJarWithItsInputsAsStackConfigAndRecordsRevisionOne() throws Exception {
        PulumiRun run = act(DEPLOYER, AppRequest.INSTALL, request(null, Map.of("password", "hunter2"),
                Map.of("replicas", "3")));
        assertEquals(List.of(PulumiRun.INSTALL, "web", "web@1.1.0"), List.of(run.kind(), run.app(), run.program()),
                "the newest version by default");
        assertEquals(PulumiRun.SUCCEEDED, awaitEnd(run.id()).status());
        EngineRun engineRun = engine.runs.get(0);
        assertEquals(Operation.UP, engineRun.operation());
        assertEquals(Map.of("web:replicas", "3", "web:password", "hunter2"), engineRun.config());
        assertEquals(Set.of("web:password"), engineRun.secretKeys());
        Path folder = engineRun.programDir();
        assertTrue(Files.readString(folder.resolve("Pulumi.yaml")).contains("runtime:\n  name: java\n  options:\n"
                + "    binary: app.jar"), "the engine's Java language host runs the jar");
        assertTrue(java.util.Arrays.equals(repository.bytes("web", "1.1.0"), Files.readAllBytes(folder.resolve("app.jar"))));

        AppRelease status = apps.status(rules.caller(READER), "web", "lab");
        assertEquals(AppRelease.DEPLOYED, status.status());
        assertEquals(1, status.deployed().revision());
        assertEquals(Map.of("replicas", "3", "password", AppRevision.MASK), status.deployed().values());
        // the secret is sealed in the database, never in clear
        assertEquals(List.of(), TestDatabases.column(db, "SELECT app FROM pulumi_app_revisions WHERE input_values"
                + " LIKE '%hunter2%' OR encode(secret_values, 'escape') LIKE '%hunter2%'"));

        ApiException again = assertThrows(ApiException.class, () -> act(DEPLOYER, AppRequest.INSTALL,
                request(null, Map.of("password", "x"), Map.of())));
        assertEquals(409, again.status());
        assertTrue(again.getMessage().contains("use labctl apps upgrade web --env lab"), again.getMessage());
    }

    @Test
    void badInputsAreAllNamedBeforeAnythingRunsAndSecretsNeverComeFromTheCommandLine() throws Exception {
        ApiException e = assertThrows(ApiException.class, () -> act(DEPLOYER, AppRequest.INSTALL,
                new AppRequest("lab", null, "1.0.0", Map.of("colour", "blue"), Map.of("replicas", "three",
                        "password", "on-the-command-line"), null, false)));
        assertEquals(400, e.status());
        for (String expected : List.of("colour is not an input of app web 1.0.0", "input password is secret: give it"
                + " in a file (-f secrets.yaml), not with --set", "input replicas must be an integer")) {
            assertTrue(e.getMessage().contains(expected), () -> expected + " missing in " + e.getMessage());
        }
        assertFalse(e.getMessage().contains("on-the-command-line"), "a secret's value is never echoed");
        ApiException missing = assertThrows(ApiException.class, () -> act(DEPLOYER, AppRequest.INSTALL,
                request(null, Map.of(), Map.of())));
        assertTrue(missing.getMessage().contains("input password is required"), missing.getMessage());
        assertEquals(List.of(), engine.runs, "nothing ran");
        assertEquals(List.of(), TestDatabases.column(db, "SELECT id FROM pulumi_runs"), "nothing recorded");
    }

    @Test
    void upgradeKeepsGivenInputsRollbackReturnsToARevisionAndUninstallDestroys() throws Exception {
        PulumiRun installPlan = act(DEPLOYER, AppRequest.INSTALL, new AppRequest("lab", null, "1.0.0",
                Map.of("password", "pw1"), Map.of(), null, true));
        assertEquals(PulumiRun.PLAN, installPlan.kind());
        awaitEnd(installPlan.id());
        assertEquals(Operation.PREVIEW, engine.runs.remove(0).operation());
        engine.settingsSeen.remove(0);  // the indexes below count the revisions' runs
        assertEquals(List.of(), TestDatabases.column(db, "SELECT app FROM pulumi_app_revisions"), "a plan is no revision");
        awaitEnd(act(DEPLOYER, AppRequest.INSTALL, request("1.0.0", Map.of("password", "pw1"),
                Map.of("replicas", "2"))).id());
        // the engine leaves the config it was given in the stack's settings file, as the real one does
        engine.settings = "encryptionsalt: v1:abc:def\nconfig:\n  web:port: \"9191\"\n";
        PulumiRun upgrade = act(DEPLOYER, AppRequest.UPGRADE, request("1.1.0", Map.of(), Map.of("port", "9191")));
        assertEquals(PulumiRun.SUCCEEDED, awaitEnd(upgrade.id()).status());
        assertEquals(Map.of("web:replicas", "2", "web:password", "pw1", "web:port", "9191"),
                engine.runs.get(1).config(), "the install's inputs kept, the new one over them");

        PulumiRun plan = act(DEPLOYER, AppRequest.UPGRADE, new AppRequest("lab", null, "1.0.0", Map.of(), Map.of(),
                null, true));
        assertEquals(PulumiRun.PLAN, plan.kind());
        awaitEnd(plan.id());
        assertEquals(Operation.PREVIEW, engine.runs.get(2).operation());

        PulumiRun rollback = act(DEPLOYER, AppRequest.ROLLBACK, new AppRequest("lab", null, null, null, null, 1,
                false));
        assertEquals(PulumiRun.SUCCEEDED, awaitEnd(rollback.id()).status());
        assertEquals("web@1.0.0", rollback.program());
        assertEquals(Map.of("web:replicas", "2", "web:password", "pw1"), engine.runs.get(3).config());
        assertFalse(engine.settingsSeen.get(3).contains("web:port"), "no input of a later revision lingers: "
                + engine.settingsSeen.get(3));
        assertTrue(engine.settingsSeen.get(3).contains("encryptionsalt: v1:abc:def"), engine.settingsSeen.get(3));

        List<AppRevision> history = apps.history(rules.caller(READER), "web", "lab");
        assertEquals(List.of(3, 2, 1), history.stream().map(AppRevision::revision).toList(), "the plan is no revision");
        assertEquals(List.of("rollback", "upgrade", "install"), history.stream().map(AppRevision::kind).toList());
        assertEquals(1, history.get(0).rollbackOf());
        assertEquals("1.0.0", apps.status(rules.caller(READER), "web", "lab").deployed().version());
        assertEquals(Optional.of("app web deployed in lab (revision 3)"), apps.usedBy("web", "1.0.0"));
        assertEquals(Optional.empty(), apps.usedBy("web", "1.1.0"));

        PulumiRun uninstall = act(DEPLOYER, AppRequest.UNINSTALL, new AppRequest("lab", null, null, null, null, null,
                false));
        assertEquals(PulumiRun.SUCCEEDED, awaitEnd(uninstall.id()).status());
        assertEquals(Operation.DESTROY, engine.runs.get(4).operation());
        AppRelease gone = apps.status(rules.caller(READER), "web", "lab");
        assertEquals(AppRelease.UNINSTALLED, gone.status());
        assertNull(gone.deployed());
        assertEquals(Optional.empty(), apps.usedBy("web", "1.0.0"));
        ApiException notInstalled = assertThrows(ApiException.class, () -> act(DEPLOYER, AppRequest.UPGRADE,
                request(null, Map.of(), Map.of())));
        assertEquals(409, notInstalled.status());
    }

    @Test
    void aFailedUpgradeLeavesTheEarlierRevisionDeployed() throws Exception {
        awaitEnd(act(DEPLOYER, AppRequest.INSTALL, request("1.0.0", Map.of("password", "pw"), Map.of())).id());
        engine.failure = new EngineException("error: the cluster refused it");
        assertEquals(PulumiRun.FAILED, awaitEnd(act(DEPLOYER, AppRequest.UPGRADE,
                request(null, Map.of(), Map.of())).id()).status());
        AppRelease status = apps.status(rules.caller(READER), "web", "lab");
        assertEquals(AppRelease.FAILED, status.status());
        assertEquals(1, status.deployed().revision());
        assertEquals(2, status.last().revision());
    }

    @Test
    void accessComesFromTheEnvironmentAndTheAppsOwnPermissions() throws Exception {
        // app.yaml asks destroy too: an install needs every permission the app names
        ApiException applier = assertThrows(ApiException.class, () -> act(APPLIER, AppRequest.INSTALL,
                request(null, Map.of("password", "pw"), Map.of())));
        assertEquals(403, applier.status());
        ApiException reader = assertThrows(ApiException.class, () -> act(READER, AppRequest.INSTALL,
                request(null, Map.of("password", "pw"), Map.of())));
        assertEquals(403, reader.status());
        assertEquals(List.of(), engine.runs);
    }

    @Test
    void anInstallToARegisteredClusterHandsTheEngineItsKubeconfigAsASecretAndLaterVerbsKeepIt() throws Exception {
        apps.clusters = (cluster, env) -> "edge".equals(cluster) && "lab".equals(env)
                ? Optional.of("apiVersion: v1\nkind: Config\n# edge's credentials\n") : Optional.empty();
        ApiException unknown = assertThrows(ApiException.class, () -> act(DEPLOYER, AppRequest.INSTALL,
                new AppRequest("lab", "core", null, Map.of("password", "pw"), Map.of(), null, false)));
        assertEquals(404, unknown.status());
        assertTrue(unknown.getMessage().contains("no cluster core is registered in environment lab"));

        awaitEnd(act(DEPLOYER, AppRequest.INSTALL, new AppRequest("lab", "edge", null, Map.of("password", "pw"),
                Map.of(), null, false)).id());
        EngineRun install = engine.runs.get(0);
        assertEquals("apiVersion: v1\nkind: Config\n# edge's credentials\n", install.config().get(AppService.KUBECONFIG));
        assertTrue(install.secretKeys().contains(AppService.KUBECONFIG));
        assertEquals("edge", apps.status(rules.caller(READER), "web", "lab").cluster());
        assertEquals(List.of(), TestDatabases.column(db, "SELECT app FROM pulumi_app_revisions WHERE input_values"
                + " LIKE '%credentials%'"), "the kubeconfig is the cluster store's, never copied into a revision");

        ApiException other = assertThrows(ApiException.class, () -> act(DEPLOYER, AppRequest.UPGRADE,
                new AppRequest("lab", "core", null, Map.of(), Map.of(), null, false)));
        assertEquals(400, other.status());
        assertTrue(other.getMessage().contains("deploys to cluster edge"), other.getMessage());
        awaitEnd(act(DEPLOYER, AppRequest.UPGRADE, request(null, Map.of(), Map.of())).id());
        assertTrue(engine.runs.get(1).config().containsKey(AppService.KUBECONFIG), "the upgrade deploys to edge too");
    }

    @Test
    void aStackIsAnAppsOrProgramsNeverBoth() throws Exception {
        String program = "name: web\nruntime: yaml\nresources: {}\n";
        awaitEnd(runs.start(rules.caller(DEPLOYER), new io.labctl.protocol.pulumi.RunRequest(PulumiRun.APPLY, "lab",
                program, "web.yaml")).id());
        ApiException e = assertThrows(ApiException.class, () -> act(DEPLOYER, AppRequest.INSTALL,
                request(null, Map.of("password", "pw"), Map.of())));
        assertEquals(409, e.status());
        assertTrue(e.getMessage().contains("is run from program files"), e.getMessage());
        assertEquals(List.of(), TestDatabases.column(db, "SELECT app FROM pulumi_app_revisions"), "no revision left");
    }

    PulumiRun act(Identity who, String verb, AppRequest request) {
        return apps.act(rules.caller(who), "web", verb, request);
    }

    static AppRequest request(String version, Map<String, Object> values, Map<String, String> sets) {
        return new AppRequest("lab", null, version, values, sets, null, false);
    }

    PulumiRun awaitEnd(String id) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            PulumiRun r = runs.get(rules.caller(ADMIN), id);
            if (r.ended()) {
                return r;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("run " + id + " did not end");
    }

    /** TEST DOUBLE of labd's bundle repository: app jars in memory (the real one is tested in its own bundle). */
    static final class MemoryRepository implements BundleRepository {
        private final Map<String, byte[]> jars = new ConcurrentHashMap<>();

        void put(String name, String version, String port) throws IOException {
            String appYaml = "name: " + name + "\nversion: " + version + "\ndescription: a web server\ninputs:\n"
                    + "  replicas: { type: integer, default: 1 }\n  port: { type: integer, default: " + port + " }\n"
                    + "  password: { type: string, required: true, secret: true }\n"
                    + "permissions: [\"apply:<cloud>:<env>:*\", \"destroy:<cloud>:<env>:*\"]\n";
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "com.example.WebProgram");
            try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
                jar.putNextEntry(new ZipEntry("app/app.yaml"));
                jar.write(appYaml.getBytes(StandardCharsets.UTF_8));
            }
            jars.put(name + "/" + version, bytes.toByteArray());
        }

        byte[] bytes(String name, String version) {
            return jars.get(name + "/" + version);
        }

        @Override
        public List<RepoEntry> list() {
            return jars.entrySet().stream().map(e -> entry(e.getKey(), e.getValue()))
                    .sorted(Comparator.comparing(RepoEntry::version).reversed()).toList();
        }

        @Override
        public Optional<RepoEntry> find(String name, String version) {
            return list().stream().filter(e -> e.name().equals(name) && (version == null || e.version().equals(version)))
                    .findFirst();
        }

        @Override
        public InputStream open(String name, String version) {
            return new ByteArrayInputStream(jars.get(name + "/" + version));
        }

        @Override
        public RepoEntry push(Identity caller, String fileName, InputStream content, String name, String version) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void remove(Identity caller, String name, String version) {
            throw new UnsupportedOperationException();
        }

        private static RepoEntry entry(String coordinates, byte[] bytes) {
            String[] nv = coordinates.split("/");
            return new RepoEntry(nv[0], nv[1], RepoEntry.APP, Programs.sha256(bytes), bytes.length, "admin",
                    Instant.EPOCH, null);
        }
    }
}
