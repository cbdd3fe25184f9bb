package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Csrs;
import io.labctl.itests.support.GitSshServer;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.itests.support.RawHttps;
import io.labctl.itests.support.Tls;
import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.EnrolRequest;
import io.labctl.protocol.EnrolResponse;
import io.labctl.protocol.Json;
import io.labctl.protocol.Pem;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.modules.RepoEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * labd's bundle repository through the real labd and the real CLI: a built-in module imported at start, module jars
 * and an artifact pushed, listed, pushed again unchanged, refused with other content, removed; content served only
 * to an agent certificate, with the digest labd computed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RepositoryIT {
    private static final TypeReference<List<RepoEntry>> ENTRIES = new TypeReference<>() {};
    @TempDir
    static Path dir;
    static Labd labd;
    static Cli admin;
    static Cli viewer;
    static HttpClient agent;
    static HttpClient user;
    static byte[] motd;
    static byte[] builtInJar;
    static List<String> shipped;
    static byte[] k3s;

    @BeforeAll
    static void start() throws Exception {
        labd = Labd.install(dir.resolve("labd"), null);
        Path builtins = Files.createDirectories(labd.home.resolve("modules"));
        try (var files = Files.list(builtins)) {
            shipped = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        // the distribution's core modules give way to this test's own built-ins: a module of known bytes and a jar
        // that is not a module
        for (String f : shipped) {
            Files.delete(builtins.resolve(f));
        }
        builtInJar = moduleJar("lab-agent", "1.0.0", "1.0.0", true, "built in");
        Files.write(builtins.resolve("lab-agent-1.0.0.jar"), builtInJar);
        Files.write(builtins.resolve("not-a-module.jar"), moduleJar(null, null, "1.0.0", true, "library"));
        labd.start();
        admin = cli("admin");
        admin.ok("config", "import", labd.adminBundle().toString());
        admin.ok("create", "user", "vera", "--out", dir.resolve("vera.labctl.yaml").toString());
        admin.ok("bind", "role", "viewer", "--user", "vera");
        viewer = cli("vera");
        viewer.ok("config", "import", dir.resolve("vera.labctl.yaml").toString());

        CredentialBundle adminBundle = labd.admin();
        user = Tls.client(adminBundle);
        agent = agentClient(adminBundle, "web-1");
        motd = moduleJar("motd", "1.0.0", "1.0.0", true, "first build");
        k3s = new byte[3 * 1024 * 1024 + 17];
        new Random(3).nextBytes(k3s);
    }

    @AfterAll
    static void stop() throws Exception {
        if (labd != null) {
            labd.close();
        }
    }

    static Cli cli(String name) throws Exception {
        return Cli.named(dir, name);
    }

    /** Enrols a server over REST and returns a client that presents its agent certificate. */
    static HttpClient agentClient(CredentialBundle adminBundle, String name) throws Exception {
        String token = admin.ok("create", "token", "--server", name).strip();
        KeyPair key = Csrs.ecKey();
        byte[] body = Json.json().writeValueAsBytes(new EnrolRequest(token, name, Csrs.csr(name, key)));
        HttpResponse<String> r = Tls.anonymous(adminBundle).send(HttpRequest.newBuilder(URI.create(labd.url() + "/api/v1/enrol"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        EnrolResponse enrolled = Json.json().readValue(r.body(), EnrolResponse.class);
        return Tls.client(Tls.context(Pem.certificate(enrolled.caCertificate()), Pem.certificate(enrolled.certificate()),
                key.getPrivate()));
    }

    /** A jar; with a name, a module.yaml naming it at this version, and the bundle headers of a module bundle. */
    static byte[] moduleJar(String name, String version, String bundleVersion, boolean importsApi, String extra)
            throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-SymbolicName", "io.labctl.modules.test." + (name == null ? "lib" : name.replace('-', '.')));
        main.putValue("Bundle-Version", bundleVersion);
        main.putValue("Import-Package", importsApi ? "io.labctl.module;version=\"[1.0,2)\"" : "org.osgi.framework");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            if (name != null) {
                jar.putNextEntry(new ZipEntry("module.yaml"));
                jar.write(("name: " + name + "\nversion: " + version + "\ndescription: " + extra + "\n"
                        + "inputs:\n  motd: { type: string, default: hello }\n").getBytes(StandardCharsets.UTF_8));
            }
            jar.putNextEntry(new ZipEntry("extra.txt"));
            jar.write(extra.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    static Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static List<RepoEntry> entries() throws Exception {
        return Json.json().readValue(admin.ok("repo", "list", "-o", "json"), ENTRIES);
    }

    static Optional<RepoEntry> entry(String name, String version) throws Exception {
        return entries().stream().filter(e -> e.name().equals(name) && e.version().equals(version)).findFirst();
    }

    static HttpResponse<byte[]> fetch(HttpClient client, String name, String version) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(labd.url() + "/api/v1/repo/" + name + "/"
                + version.replace("+", "%2B") + "/content")).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    @Order(1)
    void aBuiltInModuleIsThereFromTheStartAndANonModuleJarIsNot() throws Exception {
        RepoEntry builtIn = entry("lab-agent", "1.0.0").orElseThrow(() -> new AssertionError("not imported; see " + labd.log()));
        assertEquals("labd (built-in)", builtIn.uploadedBy());
        assertEquals(RepoEntry.MODULE, builtIn.kind());
        assertEquals(sha256(builtInJar), builtIn.sha256());
        assertEquals(1, entries().size(), "only the module: " + entries());
        assertEquals(List.of("labctl-module-bastion.jar", "labctl-module-k3s-agent.jar", "labctl-module-k3s-server.jar",
                "labctl-module-lab-agent.jar", "labctl-module-labd.jar"), shipped, "the distribution ships the core modules");
        assertTrue(Files.readString(labd.log()).contains("not-a-module.jar not imported"), "the log says why");
    }

    @Test
    @Order(2)
    void aModuleJarIsPushedListedAndPushedAgainUnchanged() throws Exception {
        Path jar = file("motd-1.0.0.jar", motd);
        String pushed = admin.ok("repo", "push", jar.toString());
        assertEquals("pushed motd/1.0.0 (module, " + RepoEntry.humanSize(motd.length) + ", sha256 " + sha256(motd) + ")",
                pushed.strip());
        RepoEntry e = entry("motd", "1.0.0").orElseThrow();
        assertEquals("admin", e.uploadedBy());
        assertEquals("hello", e.descriptor().inputs().get("motd").defaultValue());

        String table = admin.ok("repo", "list");
        String shortDigest = sha256(motd).substring(0, 12);
        assertTrue(table.lines().anyMatch(l -> l.matches("motd +1\\.0\\.0 +module +.*" + shortDigest + " +admin +.*")),
                table);

        Processes.Result again = admin.run("repo", "push", jar.toString());
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.stdout().startsWith("motd/1.0.0 unchanged"), again.toString());
    }

    @Test
    @Order(3)
    void bashCompletionOffersTheModulesAndEntriesLabdHolds() throws Exception {
        Path script = file("labctl.bash", admin.ok("completion", "bash").getBytes(StandardCharsets.UTF_8));
        // the labctl that bash completes: the real CLI with the admin's configuration
        Path labctl = file("labctl", ("#!/bin/sh\nexec " + admin.shellLine() + " \"$@\"\n").getBytes(StandardCharsets.UTF_8));
        assertTrue(labctl.toFile().setExecutable(true));
        assertEquals(List.of("motd"), complete(script, labctl, "modules", "apply", "mo"));
        assertEquals(List.of("motd/1.0.0"), complete(script, labctl, "repo", "remove", "motd"));
        assertTrue(complete(script, labctl, "repo", "remove", "").contains("lab-agent/1.0.0"), "the built-in module too");
    }

    /** The candidates bash's completion offers for the last word, as a user pressing TAB there would see them. */
    static List<String> complete(Path script, Path labctl, String... words) throws Exception {
        StringBuilder line = new StringBuilder("'" + labctl + "'");
        for (String w : words) {
            line.append(" '").append(w).append("'");
        }
        // a JVM per TAB on a loaded build machine: more time than the 5 s a user waits at most
        String program = "export LABCTL_COMPLETION_TIMEOUT=60; source '" + script + "' 2>/dev/null; COMP_WORDS=(" + line + "); COMP_CWORD=" + words.length
                + "; _labctl_complete 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"";
        Processes.Result r = Processes.run(dir, List.of("bash", "-c", program), java.time.Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), r.toString());
        return r.stdout().lines().filter(l -> !l.isBlank()).sorted().toList();
    }

    @Test
    @Order(3)
    void otherContentUnderThatVersionIsRefusedWith409() throws Exception {
        byte[] rebuilt = moduleJar("motd", "1.0.0", "1.0.0", true, "second build");
        Processes.Result r = admin.run("repo", "push", file("motd-rebuilt.jar", rebuilt).toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("motd/1.0.0 is already in the repository with other content"), r.stderr());
        assertTrue(r.stderr().contains(sha256(rebuilt)), r.stderr());
        assertEquals(sha256(motd), entry("motd", "1.0.0").orElseThrow().sha256(), "the first content stays");
    }

    @Test
    @Order(4)
    void aBadModuleJarIsRefusedNamingWhatIsWrong() throws Exception {
        Processes.Result r = admin.run("repo", "push",
                file("bad.jar", moduleJar("motd", "1.1.0", "1.2.0", false, "bad")).toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("bad.jar is not a valid module"), r.stderr());
        assertTrue(r.stderr().contains("module.yaml says version 1.1.0 but the bundle's Bundle-Version is 1.2.0"), r.stderr());
        assertTrue(r.stderr().contains("does not import the package io.labctl.module"), r.stderr());
        assertTrue(entry("motd", "1.1.0").isEmpty());
    }

    /**
     * Module jars built to hurt labd or mislead it: each refused by the real CLI with what is wrong, exit 1, nothing
     * stored, and each refusal audited.
     */
    @Test
    @Order(4)
    void hostileModuleJarsAreRefusedNamingWhatIsWrongNothingStoredAndAudited() throws Exception {
        String head = "name: evil\nversion: 1.0.0\n";
        StringBuilder bomb = new StringBuilder(head + "description: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 9; i++) {
            bomb.append("d").append(i).append(": &a").append(i).append(" [").append(("*a" + (i - 1) + ", ").repeat(9))
                    .append("*a").append(i - 1).append("]\n");
        }
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("module.yaml is larger than 256 KiB", jarWith(head + "description: " + "x".repeat(300 * 1024) + "\n",
                "1.0.0", Map.of()));
        cases.put("uses YAML anchors and aliases", jarWith(bomb.toString(), "1.0.0", Map.of()));
        cases.put("is nested deeper than 16 levels", jarWith(head + "description: " + "[".repeat(5000)
                + "]".repeat(5000) + "\n", "1.0.0", Map.of()));
        for (String name : List.of("../evil", "a/b", "with space", "Evil")) {
            cases.put("name '" + name + "' is not valid", jarWith("name: \"" + name + "\"\nversion: 1.0.0\n", "1.0.0",
                    Map.of()));
        }
        cases.put("duplicate key 'version'", jarWith(head + "version: 2.0.0\n", "1.0.0", Map.of()));
        cases.put("inputs.x.type 'object' is not one of", jarWith(head + "inputs:\n  x: { type: object }\n", "1.0.0",
                Map.of()));
        cases.put("version 'latest' is not valid", jarWith("name: evil\nversion: latest\n", "1.0.0", Map.of()));
        cases.put("module.yaml says version 1.0.0 but the bundle's Bundle-Version is 6.6.6", jarWith(head, "6.6.6",
                Map.of()));
        cases.put("its components register the module as greeter (labctl.module.name) but module.yaml names it evil",
                jarWith(head, "1.0.0", Map.of("OSGI-INF/c.xml", ("<component name=\"c\"><property name="
                        + "\"labctl.module.name\" value=\"greeter\"/></component>").getBytes(StandardCharsets.UTF_8))));
        // 300 MiB of zeros: a file of about 300 KiB
        cases.put("unpacks to more than 256 MiB", jarWith(head, "1.0.0", Map.of("zeros.bin", new byte[300 << 20])));
        Map<String, byte[]> many = new LinkedHashMap<>();
        for (int i = 0; i < 10_001; i++) {  // with module.yaml and the manifest: 3 over the bound
            many.put("e/" + i, new byte[0]);
        }
        cases.put("has 10003 entries; a module jar may have at most 10000", jarWith(head, "1.0.0", many));

        int pushesBefore = auditRows("repo.push", AuditEntry.FAILED);
        List<RepoEntry> before = entries();
        int n = 0;
        Cli warm = admin.throughSession(dir.resolve("hostile-session"));  // one JVM start for all the pushes
        try {
            for (Map.Entry<String, byte[]> c : cases.entrySet()) {
                Path jar = file("hostile-" + n++ + ".jar", c.getValue());
                Processes.Result r = warm.run("repo", "push", jar.toString());
                assertEquals(1, r.exitCode(), c.getKey() + ": " + r);
                assertTrue(r.stderr().contains(jar.getFileName() + " is not a valid module") || r.stderr().contains(
                        jar.getFileName().toString()), c.getKey() + ": " + r.stderr());
                assertTrue(r.stderr().contains(c.getKey()), c.getKey() + " missing in: " + r.stderr());
            }
        } finally {
            warm.run("session", "stop");
        }
        assertEquals(before, entries(), "nothing stored");
        assertEquals(pushesBefore + cases.size(), auditRows("repo.push", AuditEntry.FAILED), "each refusal audited");
    }

    /** A module jar with this module.yaml, Bundle-Version and more entries (its components in OSGI-INF/). */
    static byte[] jarWith(String moduleYaml, String bundleVersion, Map<String, byte[]> more) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-SymbolicName", "io.labctl.modules.test.evil");
        main.putValue("Bundle-Version", bundleVersion);
        main.putValue("Import-Package", "io.labctl.module;version=\"[1.0,2)\"");
        main.putValue("Service-Component", "OSGI-INF/*.xml");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new ZipEntry("module.yaml"));
            jar.write(moduleYaml.getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, byte[]> e : more.entrySet()) {
                jar.putNextEntry(new ZipEntry(e.getKey()));
                jar.write(e.getValue());
            }
        }
        return bytes.toByteArray();
    }

    static int auditRows(String action, String result) throws Exception {
        List<AuditEntry> rows = Json.json().readValue(admin.ok("logs", "audit", "--action", action, "-o", "json"),
                new TypeReference<List<AuditEntry>>() {});
        return (int) rows.stream().filter(a -> result.equals(a.result())).count();
    }

    @Test
    @Order(5)
    void anArtifactNeedsANameAndVersionAndIsStoredWhole() throws Exception {
        Path binary = file("k3s", k3s);
        Processes.Result unnamed = admin.run("repo", "push", binary.toString());
        assertEquals(1, unnamed.exitCode(), unnamed.toString());
        assertTrue(unnamed.stderr().contains("--name NAME --version VERSION"), unnamed.stderr());

        admin.ok("repo", "push", binary.toString(), "--name", "k3s", "--version", "v1.30.2+k3s1");
        RepoEntry e = entry("k3s", "v1.30.2+k3s1").orElseThrow();
        assertEquals(List.of(RepoEntry.ARTIFACT, (long) k3s.length, sha256(k3s)), List.of(e.kind(), e.size(), e.sha256()));
    }

    @Test
    @Order(6)
    void contentIsServedToAnAgentWithItsDigestAndRefusedToAUser() throws Exception {
        HttpResponse<byte[]> asAgent = fetch(agent, "k3s", "v1.30.2+k3s1");
        assertEquals(200, asAgent.statusCode());
        assertArrayEquals(k3s, asAgent.body());
        assertEquals(sha256(k3s), asAgent.headers().firstValue(RepoEntry.SHA256_HEADER).orElseThrow());
        assertArrayEquals(motd, fetch(agent, "motd", "1.0.0").body());

        HttpResponse<byte[]> asUser = fetch(user, "k3s", "v1.30.2+k3s1");
        assertEquals(403, asUser.statusCode(), new String(asUser.body(), StandardCharsets.UTF_8));
        assertFalse(new String(asUser.body(), StandardCharsets.ISO_8859_1).contains(new String(k3s, 0, 64,
                StandardCharsets.ISO_8859_1)));
        assertEquals(404, fetch(agent, "k3s", "v9").statusCode());

        List<AuditEntry> fetches = Json.json().readValue(admin.ok("logs", "audit", "--action", "repo.fetch", "-o", "json"),
                new TypeReference<List<AuditEntry>>() {});
        assertTrue(fetches.stream().anyMatch(a -> a.user().equals("admin") && a.result().equals(AuditEntry.DENIED)),
                "the user's refused fetch is audited: " + fetches);
        assertTrue(fetches.stream().anyMatch(a -> a.user().contains("web-1") && a.result().equals(AuditEntry.OK)),
                "the agent's fetch is audited: " + fetches);
    }

    @Test
    @Order(7)
    void onlyAdminsPushAndRemoveAndReadersList() throws Exception {
        Processes.Result push = viewer.run("repo", "push", file("other.jar", moduleJar("other", "1.0.0", "1.0.0", true, "x"))
                .toString());
        assertEquals(1, push.exitCode(), push.toString());
        assertTrue(push.stderr().contains("may not admin"), push.stderr());
        Processes.Result remove = viewer.run("repo", "remove", "motd/1.0.0");
        assertEquals(1, remove.exitCode(), remove.toString());
        assertTrue(viewer.ok("repo", "list").contains("motd"));
        assertTrue(entry("other", "1.0.0").isEmpty());
    }

    @Test
    @Order(8)
    void aBodyAboveTheLimitIsRefusedWith413BeforeItIsSent() throws Exception {
        CredentialBundle b = labd.admin();
        RawHttps.Response r = RawHttps.send(Tls.context(Pem.certificate(b.caCertificate()), Pem.certificate(b.certificate()),
                Pem.privateKey(b.privateKey())), "127.0.0.1", labd.port, "POST /api/v1/repo?file=huge&name=huge&version=1 HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: " + (257L << 20) + "\r\n"
                + "Expect: 100-continue\r\n\r\n");
        assertEquals(413, r.status(), r.text());
        assertTrue(r.text().contains("larger than the repository's limit of 256 MiB"), r.text());
        assertTrue(entry("huge", "1").isEmpty());
    }

    @Test
    @Order(9)
    void removedEntriesAreGoneForAgentsToo() throws Exception {
        assertEquals("removed motd/1.0.0", admin.ok("repo", "remove", "motd/1.0.0").strip());
        assertTrue(entry("motd", "1.0.0").isEmpty());
        assertEquals(404, fetch(agent, "motd", "1.0.0").statusCode());
        Processes.Result again = admin.run("repo", "remove", "motd/1.0.0");
        assertEquals(1, again.exitCode());
        assertTrue(again.stderr().contains("no motd/1.0.0 in the repository"), again.stderr());
    }
    /**
     * labd clones over ssh:// with an ssh-key credential from a real OpenSSH server on loopback, inside the running
     * labd (so the OSGi wiring of JGit's ssh transport is part of it). Each clone asks for a ref the repository lacks,
     * so the build ends at the clone step without a Maven build: the repository's branches in the answer prove the
     * clone went through. And the refusals: an unknown host key, a key the server refuses, a key with a passphrase.
     */
    @Test
    @Order(10)
    void moduleSourcesAreClonedOverSshWithACredentialsKeyFromKnownHostsOnly() throws Exception {
        Assumptions.assumeTrue(GitSshServer.available(), "needs root and openssh-server (sshd)");
        // labd's builds run as nobody, which must reach labd's data folder under this test's folder
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path repo = dir.resolve("ssh-module");
        for (List<String> git : List.of(List.of("git", "init", "-q", "-b", "main", repo.toString()),
                List.of("git", "-C", repo.toString(), "-c", "user.name=t", "-c", "user.email=t@labctl.invalid",
                        "commit", "-q", "--allow-empty", "-m", "one"))) {
            assertEquals(0, Processes.run(dir, git, Duration.ofSeconds(30)).exitCode(), git.toString());
        }
        try (GitSshServer sshd = GitSshServer.start(dir.resolve("sshd"))) {
            String url = sshd.url(repo);
            for (String key : List.of("deploy", "other", "locked")) {
                admin.ok("create", "credential", "ssh-" + key, "--ssh-key", sshd.dir.resolve(key).toString());
            }
            Path knownHosts = labd.home.resolve("etc/git_known_hosts");

            Processes.Result unknownHost = addOverSsh(url, "ssh-deploy");
            assertTrue(unknownHost.stderr().contains("ssh-keyscan") && unknownHost.stderr().contains(knownHosts.toString()),
                    unknownHost.stderr());

            Files.writeString(knownHosts, sshd.knownHostsLine());
            Processes.Result cloned = addOverSsh(url, "ssh-deploy");
            assertTrue(cloned.stderr().contains("'v9' is not a branch, tag or commit") && cloned.stderr().contains(
                    "its branches: main"), cloned.stderr());

            Processes.Result refusedKey = addOverSsh(url, "ssh-other");
            assertFalse(refusedKey.stderr().contains("its branches") || refusedKey.stderr().contains("ssh-keyscan"),
                    refusedKey.stderr());
            Processes.Result locked = addOverSsh(url, "ssh-locked");
            assertTrue(locked.stderr().contains("unencrypted private key"), locked.stderr());
            admin.ok("create", "credential", "a-token", "--token-file", Files.writeString(dir.resolve("token"), "t0k3n\n")
                    .toString());
            Processes.Result token = addOverSsh(url, "a-token");
            assertTrue(token.stderr().contains("needs an ssh-key credential"), token.stderr());
        }
        assertFalse(admin.ok("modules", "sources", "-o", "json").contains("over-ssh"), "no source was recorded");
    }

    /** {@code modules add over-ssh --git URL --ref v9 --credential C}: a build that ends at the clone step. */
    static Processes.Result addOverSsh(String url, String credential) throws Exception {
        Processes.Result r = admin.run("modules", "add", "over-ssh", "--git", url, "--ref", "v9", "--credential", credential);
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("failed at clone"), r.stderr());
        return r;
    }
}
