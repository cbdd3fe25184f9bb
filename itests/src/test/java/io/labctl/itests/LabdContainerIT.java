package io.labctl.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import io.labctl.itests.support.Ports;
import io.labctl.itests.support.Tls;
import com.fasterxml.jackson.databind.JsonNode;
import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.Json;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.ext.RuntimeDelegate;
import javax.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedExceptionAction;
import javax.security.auth.Subject;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Boots the built labd distribution in Pax Exam and checks, from inside the container, that every capability
 * comes up, and that a capability's feature can be removed and reinstalled live: its route answers 404 while it is
 * gone and comes back, with no JVM restart.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LabdContainerIT {
    private static final int PORT = Ports.free();

    @Inject
    BundleContext context;

    @Inject
    FeaturesService features;

    @Inject
    SessionFactory shell;

    @Configuration
    public Option[] config() {
        return new Option[] {
            karafDistributionConfiguration()
                .frameworkUrl(new File(System.getProperty("labd.dist")).toURI().toString())
                .name("labd")
                .unpackDirectory(new File("target/exam-labd"))
                .useDeployFolder(false),
            configureConsole().ignoreLocalConsole(),
            logLevel(LogLevel.INFO),
            systemProperty("labd.test.port").value(String.valueOf(PORT)),
            // the probe waits for Pax Exam's invoker while labd boots; 10 s is too short on a loaded CI machine
            systemProperty("org.ops4j.pax.exam.raw.extender.intern.Parser.DEFAULT_TIMEOUT").value("120000"),
            // Pax Exam installs its own probe features from Maven: let the test container read the local repository
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                System.getProperty("user.home") + "/.m2/repository"),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories",
                "https://repo1.maven.org/maven2@id=central"),
            editConfigurationFilePut("etc/io.labctl.web.cfg", "host", "127.0.0.1"),
            editConfigurationFilePut("etc/io.labctl.web.cfg", "port", String.valueOf(PORT)),
            editConfigurationFilePut("etc/io.labctl.web.cfg", "advertiseUrl", "https://127.0.0.1:" + PORT),
            editConfigurationFilePut("etc/io.labctl.persistence.cfg", "embeddedPort", String.valueOf(Ports.free())),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(Ports.free())),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(Ports.free())),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(Ports.free())),
        };
    }

    private Path adminBundle() {
        return Path.of(System.getProperty("karaf.etc"), "admin.labctl.yaml");
    }

    private int status(HttpClient client, String path) throws Exception {
        return get(client, path).statusCode();
    }

    private HttpResponse<String> get(HttpClient client, String path) throws Exception {
        // PORT is chosen in the JVM that runs JUnit; inside the container the system property carries it.
        int port = Integer.getInteger("labd.test.port");
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Until labd's health is 200 (two minutes at most): the check a client makes before it starts. */
    private void awaitHealthy() throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline) && !Files.exists(adminBundle())) {
            Thread.sleep(200);
        }
        HttpClient client = Tls.client(CredentialBundle.read(adminBundle()));
        HttpResponse<String> health = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                health = get(client, "/api/v1/health");
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("labd's health is not 200: " + (health == null ? "no answer" : health.body()));
    }

    private void awaitStatus(HttpClient client, String path, int expected) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        int last = -1;
        while (Instant.now().isBefore(deadline)) {
            try {
                last = status(client, path);
                if (last == expected) {
                    return;
                }
            } catch (java.io.IOException e) {
                last = -1;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(path + " answered " + last + ", expected " + expected);
    }

    @Test
    public void everyCapabilityStartsAndCanBeRemovedAndReinstalledLive() throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (!Files.exists(adminBundle()) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertTrue("labd wrote its admin bundle", Files.exists(adminBundle()));
        // the boot features may still be starting when the probe runs
        for (String bsn : new String[] {"io.labctl.protocol", "io.labctl.api", "io.labctl.persistence", "io.labctl.ca",
                "io.labctl.web", "io.labctl.tokens", "io.labctl.registry", "io.labctl.gateway", "io.labctl.rbac",
                "io.labctl.audit", "io.labctl.shell", "io.labctl.exec", "io.labctl.logs"}) {
            Instant until = Instant.now().plus(Duration.ofSeconds(60));
            while (Instant.now().isBefore(until) && (bundle(bsn) == null || bundle(bsn).getState() != Bundle.ACTIVE)) {
                Thread.sleep(100);
            }
            assertNotNull(bsn + " installed", bundle(bsn));
            assertEquals(bsn + " active", Bundle.ACTIVE, bundle(bsn).getState());
        }
        assertNotNull(context.getServiceReference("io.labctl.persistence.Database"));
        assertNotNull(context.getServiceReference("io.labctl.api.CertificateAuthority"));

        // the features service records the boot features as installed only once the whole boot set is provisioned
        for (String f : new String[] {"labd-tokens", "labd-rbac", "labd-audit", "labd-exec", "labd-logs"}) {
            Instant provisioned = Instant.now().plus(Duration.ofSeconds(120));
            while (Instant.now().isBefore(provisioned) && !features.isInstalled(features.getFeature(f))) {
                Thread.sleep(200);
            }
            assertTrue(f + " installed", features.isInstalled(features.getFeature(f)));
        }

        CredentialBundle admin = CredentialBundle.read(adminBundle());
        HttpClient client = Tls.client(admin);
        awaitStatus(client, "/api/v1/tokens", 200);
        long frameworkStarted = context.getBundle(0).getLastModified();

        // each capability's lab: commands are its bundle's: they leave and come back with its feature
        awaitCommands(ALL_LAB_COMMANDS);
        features.uninstallFeature("labd-tokens", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        awaitStatus(client, "/api/v1/tokens", 404);
        assertEquals("servers route untouched", 200, status(client, "/api/v1/servers"));
        awaitCommands(without(ALL_LAB_COMMANDS, "tokens", "token-create", "token-revoke"));

        features.installFeature("labd-tokens", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        awaitStatus(client, "/api/v1/tokens", 200);
        awaitCommands(ALL_LAB_COMMANDS);
        String tokens = runAs("admin", "lab:tokens");
        assertTrue(tokens, tokens.contains("No join tokens") || tokens.startsWith("ID "));
        assertEquals("same JVM, same framework", frameworkStarted, context.getBundle(0).getLastModified());

        // access control and audit fail closed: while either is gone every request is refused, and Karaf's own
        // feature commands (the break-glass path) bring them back; the security log records both
        for (String guard : new String[] {"labd-rbac", "labd-audit"}) {
            features.uninstallFeature(guard, EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
            awaitStatus(client, "/api/v1/servers", 503);
            awaitCommands(without(ALL_LAB_COMMANDS, guard.equals("labd-rbac") ? RBAC_COMMANDS : AUDIT_COMMANDS));
            // health is not refused with the rest: it answers, and says which part labd is missing
            HttpResponse<String> health = get(client, "/api/v1/health");
            assertEquals(health.body(), 503, health.statusCode());
            String part = guard.equals("labd-rbac") ? "access control" : "audit";
            assertTrue(health.body(), health.body().contains("\"" + part + "\":{\"status\":\"unavailable\""));
            features.installFeature(guard, EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
            awaitStatus(client, "/api/v1/servers", 200);
            awaitCommands(ALL_LAB_COMMANDS);
        }
        String securityLog = Files.readString(Path.of(System.getProperty("karaf.log"), "security.log"));
        assertTrue(securityLog, securityLog.contains("access control withdrawn"));
        assertTrue(securityLog, securityLog.contains("audit trail withdrawn"));
    }

    /**
     * The lab: commands in the real container: a shell login named like a labctl admin may use them, and each use is
     * in the audit log with source "shell"; a login that is no labctl admin is refused, and that is audited too.
     */
    @Test
    public void labShellCommandsMapTheLoginToALabctlUserAndAreAudited() throws Exception {
        // labd counts as started (health 200) only once Karaf has installed every capability: then all are active
        awaitHealthy();
        String ca = runAs("admin", "lab:ca");
        assertTrue(ca, ca.contains("labctl"));
        String servers = runAs("admin", "lab:servers");
        assertTrue(servers, servers.contains("No servers"));
        // the capabilities as labctl system features lists them: each with its state and the schema it owns
        String features = runAs("admin", "lab:features");
        assertTrue(features, features.lines().anyMatch(l -> l.startsWith("labd-tokens ") && l.contains(" active ")
                && l.contains("tokens v1")));
        assertTrue(features, features.lines().anyMatch(l -> l.startsWith("labd-system ") && l.contains(" active")));
        assertTrue(features, features.lines().filter(l -> l.startsWith("labd-")).allMatch(l -> l.contains(" active ")));

        // changes to labd's capabilities from the shell: refused for what labd cannot lose, and for what others need
        String web = runAs("admin", "lab:features-upgrade labd-web 0.2.0");
        assertTrue(web, web.contains("labd-web cannot be upgraded on a running labd"));
        String needed = runAs("admin", "lab:features-uninstall labd-provisioning");
        assertTrue(needed, needed.contains("labd-provisioning is needed by labd-bastion"));

        String refused = runAs("mallory", "lab:servers");
        assertTrue(refused, refused.contains("admin:*:*:*"));

        String audit = runAs("admin", "lab:audit --action shell --limit 100");
        assertTrue(audit, audit.contains("shell.server.list"));
        assertTrue(audit, audit.contains("shell.system.features"));
        assertTrue(audit, audit.contains("shell.system.upgrade"));
        assertTrue(audit, audit.contains("mallory"));
        assertTrue(audit, audit.contains("denied"));
    }

    /**
     * JAX-RS is its own bundle: the web bundle and every REST capability wire jakarta.ws.rs to it (none to the web
     * bundle, which embeds Jersey), and the API's runtime (Response, UriBuilder) works from any capability thread,
     * not only on a request's, because the web bundle hands Jersey's delegate to the API when it starts and takes it
     * back when it stops. Updates web in place: the other tests wait for their routes.
     */
    @Test
    public void restCapabilitiesWireJaxRsToTheApiBundleAndItsRuntimeWorksOnAnyThread() throws Exception {
        List<String> importers = List.of("io.labctl.web", "io.labctl.tokens", "io.labctl.registry", "io.labctl.rbac",
                "io.labctl.audit", "io.labctl.provisioning");
        for (String bsn : importers) {
            Instant until = Instant.now().plus(Duration.ofSeconds(120));
            while (Instant.now().isBefore(until) && (bundle(bsn) == null || bundle(bsn).getState() != Bundle.ACTIVE)) {
                Thread.sleep(100);
            }
            assertEquals(bsn + " active", Bundle.ACTIVE, bundle(bsn).getState());
        }
        Set<String> wiredToApi = new TreeSet<>();
        for (Bundle b : context.getBundles()) {
            BundleWiring wiring = b.adapt(BundleWiring.class);
            if (wiring == null) {
                continue;
            }
            for (BundleWire wire : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
                String pkg = (String) wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
                if (pkg.startsWith("jakarta.ws.rs")) {
                    assertEquals(b.getSymbolicName() + " takes " + pkg + " from the JAX-RS API bundle",
                            "jakarta.ws.rs-api", wire.getProvider().getBundle().getSymbolicName());
                    wiredToApi.add(b.getSymbolicName());
                }
            }
        }
        assertTrue("wired to the API bundle: " + wiredToApi, wiredToApi.containsAll(importers));

        // a thread that sees no Jersey (a capability's own scheduler or activation) finds nothing of a stopped web in
        // the API, and after web is replaced (updated in place: a new class loader, as on an upgrade) the running
        // web's runtime, not the replaced one's
        Bundle web = bundle("io.labctl.web");
        web.stop();
        Object whileStopped = onBareThread(null);
        assertTrue("nothing of a stopped web in the API: " + whileStopped, whileStopped instanceof Throwable);
        web.update();
        CountDownLatch refreshed = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(web), e -> refreshed.countDown());
        assertTrue("web refreshed", refreshed.await(120, TimeUnit.SECONDS));
        web.start();
        Instant until = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(until) && context.getServiceReference("io.labctl.api.LabdAddress") == null) {
            Thread.sleep(100);
        }
        assertNotNull("web started again", context.getServiceReference("io.labctl.api.LabdAddress"));
        ClassLoader running = web.adapt(BundleWiring.class).getClassLoader();
        assertEquals("200 /api/v1/servers/web-1 from the running web", String.valueOf(onBareThread(running)));
    }

    /**
     * Uses JAX-RS's runtime on a new thread whose context class loader is none: the outcome (and whether the runtime
     * comes from the given class loader), or what it threw.
     */
    private static Object onBareThread(ClassLoader expected) throws InterruptedException {
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                Response ok = Response.ok("x").build();
                String uri = UriBuilder.fromPath("/api/v1/servers/{name}").build("web-1").toString();
                ClassLoader loader = RuntimeDelegate.getInstance().getClass().getClassLoader();
                String from = loader == expected ? "the running web" : String.valueOf(loader);
                outcome.set(ok.getStatus() + " " + uri + " from " + from);
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        worker.setContextClassLoader(null);
        worker.start();
        worker.join(30_000);
        return outcome.get();
    }

    /**
     * One gate for REST and the shell: a user bound to no role asks both for something that needs admin:*:*:*
     * (POST /api/v1/users; any lab: command). Both refuse through the same gate, so the audited reasons are the same
     * text, and it is what each front end tells the user.
     */
    @Test
    public void restAndTheShellRefuseTheSameRequestWithTheSameAuditedReason() throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (!Files.exists(adminBundle()) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        CredentialBundle admin = CredentialBundle.read(adminBundle());
        HttpClient client = Tls.client(admin);
        awaitStatus(client, "/api/v1/users", 200);
        HttpResponse<String> created = post(client, "/api/v1/users", "{\"name\":\"gate-nobody\"}");
        assertEquals(created.body(), 201, created.statusCode());
        JsonNode issued = Json.json().readTree(created.body());
        HttpClient nobody = Tls.client(CredentialBundle.of(admin.server(), "gate-nobody",
                issued.path("caCertificate").asText(), issued.path("certificate").asText(),
                issued.path("privateKey").asText()));

        HttpResponse<String> rest = post(nobody, "/api/v1/users", "{\"name\":\"gate-other\"}");
        assertEquals(rest.body(), 403, rest.statusCode());
        String restMessage = Json.json().readTree(rest.body()).path("message").asText();
        String shell = "";
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(until) && !shell.contains("refused")) { // the commands may still be registering
            shell = runAs("gate-nobody", "lab:users");
            Thread.sleep(200);
        }

        JsonNode rows = Json.json().readTree(get(client, "/api/v1/audit?user=gate-nobody").body());
        String restReason = null;
        String shellReason = null;
        for (JsonNode row : rows) {
            if ("denied".equals(row.path("result").asText())) {
                String action = row.path("action").asText();
                if (action.equals("user.create")) {
                    restReason = row.path("error").asText();
                } else if (action.equals("shell.user.list")) {
                    shellReason = row.path("error").asText();
                }
            }
        }
        assertNotNull(rows.toString(), restReason);
        assertTrue(restReason, restReason.startsWith("user/gate-nobody may not admin on *:*:*"));
        assertEquals("the same gate, the same audited reason", restReason, shellReason);
        assertEquals(restReason, restMessage);
        assertTrue(shell, shell.contains(restReason));
    }

    private HttpResponse<String> post(HttpClient client, String path, String json) throws Exception {
        int port = Integer.getInteger("labd.test.port");
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static final String[] RBAC_COMMANDS = {"users", "user-delete", "roles", "role-create", "role-delete",
        "bind", "unbind", "can-i"};
    private static final String[] AUDIT_COMMANDS = {"audit", "audit-verify"};
    private static final Set<String> ALL_LAB_COMMANDS = Set.of("servers", "server-delete", "tokens", "token-create",
            "token-revoke", "users", "user-delete", "roles", "role-create", "role-delete", "bind", "unbind", "can-i",
            "audit", "audit-verify", "ca", "features", "repo", "modules", "runs", "apps",
            "features-upgrade", "features-install", "features-uninstall");

    private static Set<String> without(Set<String> commands, String... removed) {
        Set<String> rest = new TreeSet<>(commands);
        rest.removeAll(Set.of(removed));
        return rest;
    }

    /** The lab: commands in the shell's command registry (what tab completion and help list). */
    private Set<String> labCommands() {
        Set<String> names = new TreeSet<>();
        for (org.apache.karaf.shell.api.console.Command c : shell.getRegistry().getCommands()) {
            if ("lab".equals(c.getScope())) {
                names.add(c.getName());
            }
        }
        return names;
    }

    private void awaitCommands(Set<String> expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!labCommands().equals(expected) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertEquals(new TreeSet<>(expected), labCommands());
    }

    /** Runs one shell command as a Karaf login with the admin role, as an SSH session would. */
    private String runAs(String user, String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Session session = shell.create(new java.io.ByteArrayInputStream(new byte[0]), out, out);
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(user));
        subject.getPrincipals().add(new RolePrincipal("admin"));
        try {
            Subject.doAs(subject, (PrivilegedExceptionAction<Object>) () -> session.execute(command));
        } catch (Exception e) {
            // for instance "Command not found" while the capability bundles are still registering their commands
            out.println("failed: " + (e instanceof java.security.PrivilegedActionException p ? p.getCause() : e));
        } finally {
            session.close();
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }
}
