package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.itests.support.Agent;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.itests.support.SdkProjects;
import io.labctl.itests.support.Tls;
import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.Json;
import io.labctl.protocol.access.AuditEntry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The capability SDK as an author uses it: a labd capability and a lab-agent capability generated from this build's
 * archetypes, built offline against this build's artifacts (target/sdk-repo, made by invoker:install: nothing of
 * labctl need be in ~/.m2), hot-deployed as .kar files into a running labd and agent, used over REST with a user
 * certificate, removed and deployed again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CapabilitySdkIT {
    static final String CAPABILITY = "notes";
    static final String PACKAGE = "com.example.notes";
    static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static SdkProjects sdk;
    static Path labdProject;
    static Path agentProject;
    static Labd labd;
    static Agent agent;
    static Cli admin;
    static HttpClient author;
    static HttpClient nobody;

    @BeforeAll
    static void start() throws Exception {
        // labd boots while the projects are generated and built; the Pax Exam test of the labd project runs in its
        // own step below
        labd = Labd.install(dir.resolve("labd"), null);
        CompletableFuture<Void> booting = CompletableFuture.runAsync(() -> {
            try {
                labd.start();
            } catch (Exception e) {
                throw new IllegalStateException("labd did not start", e);
            }
        });
        sdk = SdkProjects.in(dir);
        labdProject = sdk.generate("labctl-capability-archetype", "notes-capability", "-Dpackage=" + PACKAGE,
                "-Dcapability=" + CAPABILITY);
        agentProject = sdk.generate("labctl-agent-capability-archetype", "notes-agent", "-Dpackage=com.example.agent.notes",
                "-Dcapability=" + CAPABILITY);
        sdk.mvn(labdProject, "verify", "-DskipITs");
        sdk.mvn(agentProject, "verify");
        booting.join();
        Files.createDirectories(dir.resolve("cli"));
        admin = new Cli(dir.resolve("cli/config.yaml"));
        admin.ok("config", "import", labd.adminBundle().toString());
        admin.environments("lab:baremetal");
        String token = admin.ok("create", "token", "--server", "box", "--env", "lab", "--cloud", "baremetal").strip();
        agent = Agent.install(dir.resolve("agent"), "box", labd.url(), token).start();

        admin.ok("create", "role", "notes-author", "--allow", "manage:*:*:*", "--allow", "read:*:*:*");
        author = userClient("author", "notes-author");
        nobody = userClient("nobody", null);
        agent.awaitOnline(admin, Duration.ofSeconds(90), labd.log());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {agent, labd}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    @Order(1)
    void theGeneratedLabdCapabilityDeclaresItsSchemaAndCommandsAndShipsAsOneKar() throws Exception {
        try (JarFile bundle = new JarFile(labdProject.resolve("target/notes-capability-0.1.0-SNAPSHOT.jar").toFile())) {
            Manifest m = bundle.getManifest();
            assertEquals(CAPABILITY, m.getMainAttributes().getValue("Labctl-Schema"));
            assertEquals(PACKAGE + ".command", m.getMainAttributes().getValue("Karaf-Commands"));
            assertTrue(bundle.getEntry("db/notes/V1__items.sql") != null, "the migration is a bundle resource");
        }
        try (ZipFile kar = new ZipFile(labdKar().toFile())) {
            List<String> entries = kar.stream().map(e -> e.getName()).filter(n -> !n.endsWith("/")).toList();
            assertTrue(entries.stream().anyMatch(n -> n.endsWith("notes-capability-0.1.0-SNAPSHOT.jar")), entries.toString());
            assertTrue(entries.stream().anyMatch(n -> n.endsWith("-features.xml")), entries.toString());
            assertTrue(entries.stream().noneMatch(n -> n.startsWith("db/") || n.endsWith(".class")),
                    "nothing unpacked into labd's home: " + entries);
        }
        assertTrue(Files.readString(labdProject.resolve(
                "target/surefire-reports/" + PACKAGE + ".internal.AgentCallResourceTest.txt")).contains("Failures: 0"));
        assertTrue(Files.readString(agentProject.resolve(
                "target/surefire-reports/com.example.agent.notes.internal.CapabilityHandlerTest.txt")).contains("Failures: 0"));
    }

    /** Works without the schema service: the route that reaches the agent needs no table. */
    @Test
    @Order(2)
    void theAgentSideAnswersThroughTheLabdRouteAndBothComeAndGoWithTheirKar() throws Exception {
        String call = "/api/v1/notes/servers/box";
        assertEquals(404, send(author, "POST", call, null).statusCode(), "no route before the capability is deployed");
        long refreshesBefore = refreshes();

        deploy();
        awaitStatus(author, "POST", call, 200);
        HttpResponse<String> reply = send(author, "POST", call, null);
        assertTrue(reply.body().contains("notes answered from"), reply.body());
        // hot deployment adds a bundle; it must not refresh (restart) the capabilities already running
        assertEquals(refreshesBefore, refreshes(), "labd refreshed bundles: see " + labd.log());

        // the permission the route declares is checked, and the refusal is audited
        assertEquals(403, send(nobody, "POST", call, null).statusCode());
        List<AuditEntry> rows = Json.json().readValue(admin.ok("logs", "audit", "--user", "nobody", "--action", "notes",
                "-o", "json"), new TypeReference<List<AuditEntry>>() {});
        assertTrue(rows.stream().anyMatch(e -> e.action().equals("notes.agent.call") && e.result().equals(AuditEntry.DENIED)),
                rows.toString());

        // the agent side goes: labd's route stays and says what is missing
        Files.delete(agent.home.resolve("deploy/" + agentKar().getFileName()));
        awaitStatus(author, "POST", call, 501);
        assertTrue(send(author, "POST", call, null).body().contains("capability-not-installed"));

        // the labd side goes: its route with it
        Files.delete(labd.home.resolve("deploy/" + labdKar().getFileName()));
        awaitStatus(author, "POST", call, 404);

        deploy();
        awaitStatus(author, "POST", call, 200);
    }

    /** Needs the schema service: persistence migrates db/notes/ and registers Schema for labctl.schema=notes. */
    @Test
    @Order(3)
    void theCapabilitysOwnTableKeepsItsRowsWhenTheCapabilityIsRemovedAndDeployedAgain() throws Exception {
        String items = "/api/v1/notes/items";
        deploy();
        awaitStatus(author, "GET", items, 200);
        HttpResponse<String> put = send(author, "PUT", items + "/disk-1", "replace by Friday");
        assertEquals(200, put.statusCode(), put.body());
        assertTrue(send(author, "GET", items, null).body().contains("replace by Friday"));
        assertEquals(400, send(author, "PUT", items + "/Not_A_Name", "x").statusCode());
        // an added capability is listed beside labd's own, with the schema it owns (Karaf may still be finishing the
        // feature's install when its route already answers, so the listing is awaited, not read once)
        Processes.await("labd-notes active with schema notes v1 in system features", Duration.ofSeconds(60),
                () -> systemFeatures().lines().anyMatch(l -> l.startsWith("labd-notes ")
                        && l.contains(" active ") && l.contains("notes v1")));

        Files.delete(labd.home.resolve("deploy/" + labdKar().getFileName()));
        awaitStatus(author, "GET", items, 404);
        // and leaves labd's capabilities once Karaf has uninstalled its feature (the route goes first)
        Processes.await("labd-notes gone from system features", Duration.ofSeconds(60),
                () -> systemFeatures().lines().noneMatch(l -> l.startsWith("labd-notes ")));

        deploy();
        awaitStatus(author, "GET", items, 200);
        String after = send(author, "GET", items, null).body();
        assertTrue(after.contains("disk-1") && after.contains("replace by Friday") && after.contains("author"), after);
    }

    /** Needs the schema service and the shell SDK: the generated project's own Pax Exam test in a real labd. */
    @Test
    @Order(4)
    void theGeneratedPaxExamTestPassesInARealLabd() {
        sdk.mvn(labdProject, "verify");
        assertTrue(Files.exists(labdProject.resolve("target/failsafe-reports/" + PACKAGE + ".CapabilityContainerIT.txt")));
    }

    // ---- helpers

    /** labctl system features as the admin sees it. */
    static String systemFeatures() {
        try {
            return admin.ok("system", "features");
        } catch (Exception e) {
            throw new IllegalStateException("labctl system features failed", e);
        }
    }

    static Path labdKar() {
        return labdProject.resolve("target/notes-capability-0.1.0-SNAPSHOT.kar");
    }

    static Path agentKar() {
        return agentProject.resolve("target/notes-agent-0.1.0-SNAPSHOT.kar");
    }

    /** How often labd's features service refreshed (stopped and rewired) running bundles. */
    static long refreshes() throws Exception {
        return Files.readAllLines(labd.log()).stream().filter(l -> l.contains("Refreshing bundles")).count();
    }

    /** Hot deployment, as an operator does it: the .kar files into the deploy/ folders. */
    static void deploy() throws Exception {
        Files.copy(labdKar(), labd.home.resolve("deploy/" + labdKar().getFileName()), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(agentKar(), agent.home.resolve("deploy/" + agentKar().getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    /** A labctl user with a certificate, bound to the role if one is given, as an HTTPS client of labd. */
    static HttpClient userClient(String name, String role) throws Exception {
        Path bundle = dir.resolve(name + ".labctl.yaml");
        admin.ok("create", "user", name, "--out", bundle.toString());
        if (role != null) {
            admin.ok("bind", "role", role, "--user", name);
        }
        return Tls.client(CredentialBundle.read(bundle));
    }

    static HttpResponse<String> send(HttpClient client, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(labd.url() + path)).timeout(Duration.ofSeconds(30));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "text/plain").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Hot deployment takes a poll of the deploy folder and a feature install: wait for the route to say so. */
    static void awaitStatus(HttpClient client, String method, String path, int status) throws Exception {
        int[] last = {-1};
        try {
            Processes.await(method + " " + path + " answering " + status, DEPLOY_TIMEOUT, () -> {
                try {
                    last[0] = send(client, method, path, null).statusCode();
                } catch (Exception e) {
                    last[0] = -1;
                }
                return last[0] == status;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (last answer " + last[0] + "; see " + labd.log() + ")", e);
        }
    }
}
