package io.labctl.repository.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.repository.RepositoryUsage;
import io.labctl.persistence.Database;
import io.labctl.persistence.internal.TestDatabases;
import io.labctl.protocol.modules.RepoEntry;
import io.labctl.shell.FakeAccessControl;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository against a real PostgreSQL. */
class RepositoryServiceTest {
    private static final long LIMIT = 4L << 20;
    private static final Identity ADMIN = new Identity(Identity.Kind.USER, "admin");
    private static final Identity OLGA = new Identity(Identity.Kind.USER, "olga");
    @TempDir
    static Path dir;
    static Database db;
    static RepositoryService repository;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabases.start(dir.resolve("pg"));
        TestDatabases.schema(db, "repository");
        repository = new RepositoryService(db, new RepositorySettings(LIMIT, dir.resolve("modules"), dir.resolve("tmp")));
        repository.decisions = new FakeAccessControl().allow("admin", "admin:*:*:*").allow("olga", "read:*:*:*");
    }

    @AfterAll
    static void stop() throws Exception {
        TestDatabases.stop(db);
    }

    @BeforeEach
    void empty() {
        repository.usages = List.of();
        for (RepoEntry e : repository.list()) {
            repository.remove(ADMIN, e.name(), e.version());
        }
    }

    private static Pushed push(byte[] content, String file, String name, String version) {
        return repository.pushed(ADMIN, file, new ByteArrayInputStream(content), name, version);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static byte[] read(String name, String version) throws IOException {
        try (InputStream in = repository.open(name, version)) {
            return in.readAllBytes();
        }
    }

    @Test
    void aModuleJarIsNamedByItsDescriptorAndPushingItAgainChangesNothing() throws Exception {
        byte[] jar = TestJars.module("motd", "1.0.0", "one");
        Pushed first = push(jar, "motd-1.0.0.jar", null, null);
        assertTrue(first.created());
        RepoEntry e = first.entry();
        assertEquals(List.of("motd", "1.0.0", RepoEntry.MODULE, sha256(jar), (long) jar.length, "admin"),
                List.of(e.name(), e.version(), e.kind(), e.sha256(), e.size(), e.uploadedBy()));
        assertEquals("test module", e.descriptor().description());
        assertEquals(java.util.Set.of("token"), e.descriptor().secretInputs());
        assertNotNull(e.uploadedAt());

        Pushed again = push(jar, "renamed.jar", null, null);
        assertFalse(again.created());
        assertEquals(e, again.entry());
        assertArrayEquals(jar, read("motd", "1.0.0"));
    }

    @Test
    void otherContentUnderAnExistingVersionIsAConflictNamingBothDigests() throws Exception {
        byte[] one = TestJars.module("motd", "1.0.0", "one");
        byte[] two = TestJars.module("motd", "1.0.0", "two");
        push(one, "motd.jar", null, null);
        ApiException e = assertThrows(ApiException.class, () -> push(two, "motd.jar", null, null));
        assertEquals(409, e.status());
        assertTrue(e.getMessage().contains(sha256(one)) && e.getMessage().contains(sha256(two)), e.getMessage());
        assertArrayEquals(one, read("motd", "1.0.0"), "the stored bytes stay");
    }

    @Test
    void anArtifactSpanningSeveralChunksComesBackByteForByte() throws Exception {
        byte[] binary = new byte[RepositoryService.CHUNK_BYTES * 2 + 12345];
        new Random(7).nextBytes(binary);
        RepoEntry e = push(binary, "k3s", "k3s", "v1.30.2+k3s1").entry();
        assertEquals(RepoEntry.ARTIFACT, e.kind());
        assertEquals(sha256(binary), e.sha256());
        assertArrayEquals(binary, read("k3s", "v1.30.2+k3s1"));
        assertArrayEquals(new byte[0], readEmpty());
    }

    private static byte[] readEmpty() throws IOException {
        push(new byte[0], "empty", "empty", "1").entry();
        return read("empty", "1");
    }

    @Test
    void anArtifactNeedsANameAndAVersion() {
        ApiException e = assertThrows(ApiException.class, () -> push("bin".getBytes(UTF_8), "k3s", null, "1.0"));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("give its name") && e.getMessage().contains("--name NAME"), e.getMessage());
        ApiException jar = assertThrows(ApiException.class,
                () -> push(TestJars.jar(Map.of("Bundle-SymbolicName", "x"), null, "x"), "lib.jar", null, null));
        assertTrue(jar.getMessage().contains("lib.jar is a jar without module.yaml at its root"), jar.getMessage());
        assertTrue(repository.list().isEmpty());
    }

    @Test
    void anAppJarIsNamedByItsAppYaml() throws Exception {
        byte[] jar = TestJars.app("web", "1.2.0", "replicas: 3\n", "com.example.WebProgram");
        RepoEntry e = push(jar, "web-app.jar", null, null).entry();
        assertEquals(List.of("web", "1.2.0", RepoEntry.APP), List.of(e.name(), e.version(), e.kind()));
        assertArrayEquals(jar, read("web", "1.2.0"));
    }

    @Test
    void aBadAppJarIsRefusedNamingEveryProblem() {
        byte[] jar = TestJars.app("web", "1.2.0", "replicas: three\npassword: hunter2\ncolour: blue\n", null);
        ApiException e = assertThrows(ApiException.class, () -> push(jar, "web.jar", null, "1.3.0"));
        assertEquals(400, e.status());
        for (String expected : List.of("web.jar is not a valid app", "values.yaml sets colour, which app.yaml does not"
                + " declare", "values.yaml sets the secret input password", "values.yaml's replicas must be an integer",
                "no Main-Class", "the version given (1.3.0)")) {
            assertTrue(e.getMessage().contains(expected), () -> expected + " missing in " + e.getMessage());
        }
        assertFalse(e.getMessage().contains("hunter2"), "a secret's value is never echoed");
        assertTrue(repository.list().isEmpty());
    }

    @Test
    void aBadModuleJarIsRefusedNamingEveryProblem() {
        byte[] jar = TestJars.jar(Map.of("Bundle-Version", "2.0.0", "Import-Package", "org.osgi.framework"),
                TestJars.descriptor("motd", "1.0.0"), "x");
        ApiException e = assertThrows(ApiException.class, () -> push(jar, "motd.jar", "other", null));
        assertEquals(400, e.status());
        for (String expected : List.of("motd.jar is not a valid module", "no Bundle-SymbolicName",
                "module.yaml says version 1.0.0 but the bundle's Bundle-Version is 2.0.0",
                "does not import the package io.labctl.module", "the name given (other)")) {
            assertTrue(e.getMessage().contains(expected), () -> expected + " missing in " + e.getMessage());
        }
        ApiException badYaml = assertThrows(ApiException.class, () -> push(TestJars.module("Bad_Name", "1.0.0", "x"),
                "bad.jar", null, null));
        assertTrue(badYaml.getMessage().contains("name 'Bad_Name' is not valid"), badYaml.getMessage());
        ApiException noManifest = assertThrows(ApiException.class,
                () -> push(TestJars.jar(null, TestJars.descriptor("motd", "1.0.0"), "x"), "m.jar", null, null));
        assertTrue(noManifest.getMessage().contains("no META-INF/MANIFEST.MF"), noManifest.getMessage());
        assertTrue(repository.list().isEmpty());
    }

    @Test
    void aZipBombIsRefusedWithoutBeingUnpackedWhole() {
        byte[] zeros = new byte[300 << 20]; // 300 MiB of zeros pack into about 300 KiB
        byte[] bomb = TestJars.moduleWith("motd", "1.0.0", Map.of("data.bin", zeros));
        assertTrue(bomb.length < LIMIT, "the bomb itself is small: " + bomb.length);
        ApiException e = assertThrows(ApiException.class, () -> push(bomb, "bomb.jar", null, null));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("bomb.jar unpacks to more than 256 MiB"), e.getMessage());
        assertTrue(repository.list().isEmpty());
    }

    @Test
    void aJarWithTooManyEntriesIsRefused() {
        Map<String, byte[]> many = new java.util.LinkedHashMap<>();
        for (int i = 0; i < JarBounds.MAX_ENTRIES; i++) {
            many.put("e" + i, new byte[0]);
        }
        ApiException e = assertThrows(ApiException.class,
                () -> push(TestJars.moduleWith("motd", "1.0.0", many), "many.jar", null, null));
        assertTrue(e.getMessage().contains("a module jar may have at most 10000"), e.getMessage());
        assertTrue(repository.list().isEmpty());
    }

    @Test
    void aHugeManifestIsRefused() {
        Map<String, String> headers = new java.util.LinkedHashMap<>(Map.of("Bundle-SymbolicName", "m",
                "Bundle-Version", "1.0.0", "Import-Package", "io.labctl.module"));
        headers.put("X-Padding", "p".repeat(2 << 20));
        ApiException e = assertThrows(ApiException.class,
                () -> push(TestJars.jar(headers, TestJars.descriptor("motd", "1.0.0"), "x"), "fat.jar", null, null));
        assertTrue(e.getMessage().contains("its manifest is larger than 1024 KiB"), e.getMessage());
        assertTrue(repository.list().isEmpty());
    }

    @Test
    void aComponentThatRegistersAnotherNameThanModuleYamlIsRefused() {
        String component = "<?xml version=\"1.0\"?>\n<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\""
                + " name=\"x\">\n  <property name=\"labctl.module.name\" type=\"String\" value=\"%s\"/>\n</scr:component>\n";
        Map<String, String> headers = Map.of("Bundle-SymbolicName", "m", "Bundle-Version", "1.0.0",
                "Import-Package", "io.labctl.module", "Service-Component", "OSGI-INF/*.xml");
        byte[] other = TestJars.jarWith(headers, TestJars.descriptor("motd", "1.0.0"),
                Map.of("OSGI-INF/x.xml", String.format(component, "greeter").getBytes(UTF_8)));
        ApiException e = assertThrows(ApiException.class, () -> push(other, "other.jar", null, null));
        assertTrue(e.getMessage().contains("its components register the module as greeter (labctl.module.name) but"
                + " module.yaml names it motd"), e.getMessage());
        assertTrue(repository.list().isEmpty());
        byte[] same = TestJars.jarWith(headers, TestJars.descriptor("motd", "1.0.0"),
                Map.of("OSGI-INF/x.xml", String.format(component, "motd").getBytes(UTF_8)));
        assertEquals("motd", push(same, "same.jar", null, null).entry().name());
    }

    @Test
    void aDescriptorWithADuplicateKeyOrAnAliasIsRefused() {
        String duplicate = TestJars.descriptor("motd", "1.0.0") + "version: 9.9.9\n";
        ApiException e = assertThrows(ApiException.class, () -> push(TestJars.jar(Map.of("Bundle-SymbolicName", "m",
                "Bundle-Version", "1.0.0", "Import-Package", "io.labctl.module"), duplicate, "x"), "dup.jar", null, null));
        assertTrue(e.getMessage().contains("duplicate key 'version'"), e.getMessage());
        assertTrue(repository.list().isEmpty());
    }

    @Test
    void aSnapshotBuildOfTheDescriptorsVersionIsThatVersion() {
        byte[] jar = TestJars.jar(Map.of("Bundle-SymbolicName", "m", "Bundle-Version", "1.0.0.SNAPSHOT",
                "Import-Package", "io.labctl.module"), TestJars.descriptor("motd", "1.0.0"), "x");
        assertEquals("1.0.0", push(jar, "m.jar", null, null).entry().version());
    }

    @Test
    void aBodyAboveTheLimitIsRefusedWith413AndNothingIsStored() {
        byte[] big = new byte[(int) LIMIT + 1];
        ApiException e = assertThrows(ApiException.class, () -> push(big, "big", "big", "1"));
        assertEquals(413, e.status());
        assertTrue(e.getMessage().contains("4 MiB"), e.getMessage());
        assertTrue(repository.list().isEmpty());
        assertEquals(LIMIT, push(new byte[(int) LIMIT], "fits", "fits", "1").entry().size());
    }

    @Test
    void aFeaturesFileIsAFeatureNamedByItsRootElement() {
        String xml = "<?xml version=\"1.0\"?>\n<features xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\""
                + " name=\"lab-extras\"><feature name=\"x\"/></features>\n";
        RepoEntry e = push(xml.getBytes(UTF_8), "extras.xml", null, "1.0.0").entry();
        assertEquals(List.of("lab-extras", "1.0.0", RepoEntry.FEATURE), List.of(e.name(), e.version(), e.kind()));
    }

    @Test
    void theNewestVersionIsFoundByVersionOrder() {
        push(TestJars.module("motd", "1.9.0", "a"), "a.jar", null, null);
        push(TestJars.module("motd", "1.10.0", "b"), "b.jar", null, null);
        push(TestJars.module("motd", "1.2.0", "c"), "c.jar", null, null);
        assertEquals("1.10.0", repository.find("motd", null).orElseThrow().version());
        assertEquals(List.of("1.10.0", "1.9.0", "1.2.0"),
                repository.list().stream().map(RepoEntry::version).toList());
        assertTrue(repository.find("nothing", null).isEmpty());
    }

    @Test
    void anEntryInUseIsNotRemovedAndTheRefusalSaysWho() throws Exception {
        byte[] jar = TestJars.module("motd", "1.0.0", "a");
        push(jar, "a.jar", null, null);
        RepositoryUsage assigned = (name, version) -> name.equals("motd")
                ? Optional.of("assigned to role=web (revision 2)") : Optional.empty();
        repository.usages = List.of((n, v) -> Optional.empty(), assigned);
        ApiException e = assertThrows(ApiException.class, () -> repository.remove(ADMIN, "motd", "1.0.0"));
        assertEquals(409, e.status());
        assertTrue(e.getMessage().contains("assigned to role=web (revision 2)"), e.getMessage());
        assertArrayEquals(jar, read("motd", "1.0.0"));

        repository.usages = List.of();
        repository.remove(ADMIN, "motd", "1.0.0");
        assertTrue(repository.find("motd", "1.0.0").isEmpty());
        ApiException gone = assertThrows(ApiException.class, () -> repository.open("motd", "1.0.0"));
        assertEquals(404, gone.status());
    }

    @Test
    void aMissingEntryIsNamedWithTheVersionsThereAre() {
        push(TestJars.module("motd", "1.0.0", "a"), "a.jar", null, null);
        ApiException e = assertThrows(ApiException.class, () -> repository.remove(ADMIN, "motd", "2.0.0"));
        assertEquals(404, e.status());
        assertTrue(e.getMessage().contains("no motd/2.0.0 in the repository; versions of motd: 1.0.0"), e.getMessage());
    }

    @Test
    void onlyAdminsPushAndRemove() {
        byte[] jar = TestJars.module("motd", "1.0.0", "a");
        ApiException push = assertThrows(ApiException.class,
                () -> repository.push(OLGA, "a.jar", new ByteArrayInputStream(jar), null, null));
        assertEquals(403, push.status());
        push(jar, "a.jar", null, null);
        ApiException remove = assertThrows(ApiException.class, () -> repository.remove(OLGA, "motd", "1.0.0"));
        assertEquals(403, remove.status());
        assertTrue(repository.find("motd", "1.0.0").isPresent());
    }

    @Test
    void builtInModulesAreImportedOnceAndOthersAreLeftOut() throws Exception {
        Path modules = Files.createDirectories(dir.resolve("builtins"));
        Files.write(modules.resolve("lab-agent-1.0.0.jar"), TestJars.module("lab-agent", "1.0.0", "a"));
        Files.write(modules.resolve("library.jar"), TestJars.jar(Map.of("Bundle-SymbolicName", "x"), null, "x"));
        Files.write(modules.resolve("notes.txt"), "not a jar".getBytes(UTF_8));
        push(TestJars.module("labd", "1.0.0", "pushed"), "labd.jar", null, null);
        Files.write(modules.resolve("labd-1.0.0.jar"), TestJars.module("labd", "1.0.0", "differs"));

        List<RepoEntry> imported = new BuiltinImport(repository).importFrom(modules);
        assertEquals(List.of("lab-agent/1.0.0"), imported.stream().map(RepoEntry::coordinates).toList());
        assertEquals(BuiltinImport.UPLOADED_BY, repository.find("lab-agent", "1.0.0").orElseThrow().uploadedBy());
        assertEquals("admin", repository.find("labd", "1.0.0").orElseThrow().uploadedBy(), "a pushed entry stays");
        assertEquals(2, repository.list().size());
        assertTrue(new BuiltinImport(repository).importFrom(modules).isEmpty(), "the second start imports nothing");
        assertTrue(new BuiltinImport(repository).importFrom(dir.resolve("no-such-folder")).isEmpty());
    }

    @Test
    void importPackageClausesAreSplitOutsideQuotes() {
        assertTrue(ModuleJar.imports("org.osgi.framework;version=\"[1.10,2)\",io.labctl.module;version=\"[1.0,2)\"",
                "io.labctl.module"));
        assertTrue(ModuleJar.imports("a;io.labctl.module;version=1.0", "io.labctl.module"));
        assertFalse(ModuleJar.imports("io.labctl.module.engine;version=\"[0.1,1)\"", "io.labctl.module"));
        assertFalse(ModuleJar.imports("x;foo=\"io.labctl.module,y\"", "io.labctl.module"));
        assertFalse(ModuleJar.imports(null, "io.labctl.module"));
    }

    @Test
    void versionsOrderAsOsgiOrNaturally() {
        assertTrue(VersionOrder.OLDEST_FIRST.compare("1.10.0", "1.9.0") > 0);
        assertTrue(VersionOrder.OLDEST_FIRST.compare("v1.30.10+k3s1", "v1.30.9+k3s1") > 0);
        assertTrue(VersionOrder.OLDEST_FIRST.compare("1.0.0", "1.0.0.SNAPSHOT") < 0, "OSGi: a qualifier sorts after none");
        assertEquals(0, VersionOrder.OLDEST_FIRST.compare("1.0", "1.0.0"));
    }
}
