package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.itests.modules.MotdModule;
import io.labctl.itests.support.Agent;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.protocol.Json;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.modules.AssignmentRevision;
import io.labctl.protocol.modules.ServerModuleStatus;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration modules end to end on this machine: labd with its repository and modules capabilities, agents in
 * their own JVMs (the module's files land in a temp folder), the real CLI. The module is a jar the test packs from
 * {@link MotdModule}; pushed with {@code labctl repo push}, applied, re-applied, drifted, rolled back, and converged on
 * a new agent by labd itself.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModulesIT {
    static final String SECRET = "s3cret-join-token-4711";
    @TempDir
    static Path dir;
    static Labd labd;
    static Cli admin;
    static Agent box;
    static Agent box2;
    static Path files;

    @BeforeAll
    static void start() throws Exception {
        labd = Labd.install(dir.resolve("labd"), null);
        // look for newly matching servers every 2 s (30 s by default), so a new agent converges quickly here
        Files.writeString(labd.home.resolve("etc/io.labctl.modules.cfg"), "scanSeconds = 2\n");
        labd.start();
        Files.createDirectories(dir.resolve("cli"));
        admin = new Cli(dir.resolve("cli/config.yaml"));
        admin.ok("config", "import", labd.adminBundle().toString());
        box = agent("box");
        files = Files.createDirectories(dir.resolve("files"));
        admin.ok("repo", "push", moduleJar(dir.resolve("motd-1.0.0.jar")).toString());
    }

    static Agent agent(String name) throws Exception {
        String token = admin.ok("create", "token", "--server", name, "--env", "lab", "--cloud", "baremetal", "--role",
                "web").strip();
        Agent agent = Agent.install(dir.resolve(name), name, labd.url(), token).start();
        Processes.await("agent " + name + " online (log " + agent.log() + ")", Duration.ofSeconds(90), () -> {
            try {
                return admin.servers().stream().anyMatch(s -> s.name().equals(name) && ServerInfo.ONLINE.equals(s.status()));
            } catch (Exception e) {
                return false;
            }
        });
        return agent;
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {box2, box, labd}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** module.yaml, a DS component for MotdModule, and its class file from this test's class path. */
    static Path moduleJar(Path jar) throws Exception {
        Manifest manifest = new Manifest();
        Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "io.labctl.itests.motd");
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Import-Package", "io.labctl.module;version=\"[1.0,2)\"");
        a.putValue("Service-Component", "OSGI-INF/motd.xml");
        String yaml = """
                name: motd
                version: 1.0.0
                description: a message of the day, for tests
                inputs:
                  dir:   { type: string, required: true, description: where the files go }
                  text:  { type: string, default: hello, description: the message }
                  port:  { type: integer, default: 1, description: only for type checks }
                  token: { type: string, secret: true, required: true, description: a secret }
                """;
        String component = """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="motd" immediate="true">
                  <implementation class="io.labctl.itests.modules.MotdModule"/>
                  <service><provide interface="io.labctl.module.ConfigurationModule"/></service>
                  <property name="labctl.module.name" value="motd"/>
                </scr:component>
                """;
        String classFile = MotdModule.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest);
             InputStream bytes = MotdModule.class.getClassLoader().getResourceAsStream(classFile)) {
            j.putNextEntry(new JarEntry("module.yaml"));
            j.write(yaml.getBytes(StandardCharsets.UTF_8));
            j.putNextEntry(new JarEntry("OSGI-INF/motd.xml"));
            j.write(component.getBytes(StandardCharsets.UTF_8));
            j.putNextEntry(new JarEntry(classFile));
            j.write(bytes.readAllBytes());
        }
        return jar;
    }

    static List<ServerModuleStatus> status(String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("modules", "status", "motd", "-o", "json"));
        args.addAll(List.of(more));
        return Json.json().readValue(admin.ok(args.toArray(String[]::new)), new TypeReference<List<ServerModuleStatus>>() {});
    }

    static ServerModuleStatus statusOf(String server, String... more) throws Exception {
        return status(more).stream().filter(s -> s.server().equals(server)).findFirst().orElseThrow();
    }

    Processes.Result apply(String... more) throws Exception {
        String[] base = {"modules", "apply", "motd", "-l", "role=web", "--set", "dir=" + files, "--set", "token=" + SECRET};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return admin.run(all);
    }

    @Test
    @Order(1)
    void applyConvergesTheServerAndASecondApplyChangesNothing() throws Exception {
        Processes.Result first = apply("--set", "text=one");
        assertEquals(0, first.exitCode(), first.toString());
        assertEquals("one", Files.readString(files.resolve("box.motd")));
        assertEquals(SECRET, Files.readString(files.resolve("box.token")));
        assertTrue(first.stdout().contains("1 changed"), first.stdout());
        assertFalse(first.stdout().contains(SECRET) || first.stderr().contains(SECRET), first.toString());
        ServerModuleStatus s = statusOf("box");
        assertEquals(ServerModuleStatus.CONVERGED, s.state(), s.toString());
        assertEquals(1, s.revision());

        Processes.Result again = apply("--set", "text=one");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.stdout().contains("0 changed, 1 unchanged"), again.stdout());
        assertEquals(2, statusOf("box").revision(), "the same selector again: a new revision");
    }

    @Test
    @Order(2)
    void aHandEditShowsAsDriftOnRefresh() throws Exception {
        Files.writeString(files.resolve("box.motd"), "edited by hand");
        assertEquals(ServerModuleStatus.CONVERGED, statusOf("box").state(), "no check yet");
        ServerModuleStatus s = statusOf("box", "--refresh");
        assertEquals(ServerModuleStatus.DRIFTED, s.state(), s.toString());
        assertTrue(s.detail().contains("box.motd"), s.detail());
        assertEquals("edited by hand", Files.readString(files.resolve("box.motd")), "a check changes nothing");
    }

    @Test
    @Order(3)
    void rollbackToTheFirstRevisionRestoresItsContent() throws Exception {
        assertEquals(0, apply("--set", "text=two").exitCode());
        assertEquals("two", Files.readString(files.resolve("box.motd")));
        Processes.Result back = admin.run("modules", "rollback", "motd", "1");
        assertEquals(0, back.exitCode(), back.toString());
        assertEquals("one", Files.readString(files.resolve("box.motd")));
        List<AssignmentRevision> history = Json.json().readValue(admin.ok("modules", "history", "motd", "-o", "json"),
                new TypeReference<List<AssignmentRevision>>() {});
        assertEquals(4, history.size(), history.toString());
        assertEquals(AssignmentRevision.ROLLBACK, history.get(3).action());
        assertTrue(history.stream().allMatch(r -> AssignmentRevision.MASK.equals(r.inputs().get("token"))), history.toString());
    }

    @Test
    @Order(4)
    void aNewAgentThatMatchesConvergesByItself() throws Exception {
        box2 = agent("box2");
        Processes.await("box2 converged by labd", Duration.ofSeconds(90), () -> {
            try {
                return ServerModuleStatus.CONVERGED.equals(statusOf("box2").state());
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals("one", Files.readString(files.resolve("box2.motd")), "the assignment's current inputs");
        assertEquals(SECRET, Files.readString(files.resolve("box2.token")));
    }

    @Test
    @Order(5)
    void badRequestsAreRefusedWithWhatToFixAndChangeNothing() throws Exception {
        Processes.Result unknown = admin.run("modules", "apply", "nginx", "-l", "role=web");
        assertEquals(1, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.stderr().contains("motd"), "names what exists: " + unknown.stderr());
        Processes.Result nothing = admin.run("modules", "apply", "motd", "-l", "role=dns", "--set", "dir=/x", "--set", "token=t");
        assertEquals(1, nothing.exitCode(), nothing.toString());
        assertTrue(nothing.stderr().contains("role=dns"), nothing.stderr());
        Processes.Result bad = apply("--set", "port=eighty", "--set", "colour=red");
        assertEquals(1, bad.exitCode(), bad.toString());
        assertTrue(bad.stderr().contains("port") && bad.stderr().contains("colour"), bad.stderr());
        assertEquals(4, Json.json().readValue(admin.ok("modules", "history", "motd", "-o", "json"),
                new TypeReference<List<AssignmentRevision>>() {}).size(), "no revision was added");
    }

    @Test
    @Order(6)
    void theSecretIsInNoAuditRowAndNoRunReport() throws Exception {
        String audit = admin.ok("logs", "audit", "-o", "json");
        assertTrue(audit.contains("module.apply"), "runs are audited");
        assertFalse(audit.contains(SECRET), "the audit log never holds a secret input");
        String run = statusOf("box").lastRunId();
        String report = admin.ok("logs", "module/" + run);
        assertTrue(report.contains("box.token"), report);
        assertFalse(report.contains(SECRET), report);
    }
}
