package io.labctl.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import io.labctl.agent.api.StreamHandler;
import io.labctl.itests.modules.CollectingChannel;
import io.labctl.itests.modules.TouchModule;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Tls;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.IssuedToken;
import io.labctl.protocol.Json;
import io.labctl.protocol.TokenSpec;
import io.labctl.protocol.channel.StreamError;
import io.labctl.protocol.channel.StreamOpen;
import io.labctl.protocol.modules.ModuleReport;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Boots the built lab-agent distribution in Pax Exam, enrolled with a real labd running beside it, and removes and
 * reinstalls one agent capability live: while its feature is gone labd gets "capability not installed" for its
 * stream kind; the agent's connection to labd is never dropped and the JVM never restarts.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AgentContainerIT {

    @Inject
    FeaturesService features;

    @Inject
    BundleContext bundleContext;

    /** Runs in the JUnit JVM: a real labd for the agent in the container to join. */
    @Configuration
    public Option[] config() throws Exception {
        Path dir = Files.createTempDirectory("agent-it");
        Labd labd = Labd.install(dir.resolve("labd"), null).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                labd.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        CredentialBundle admin = labd.admin();
        // Pax Exam asks for this configuration when the whole run starts, which can be many test classes before this
        // one runs: the token must outlive them
        // the environment the token names must exist
        Tls.client(admin).send(HttpRequest.newBuilder(URI.create(labd.url() + "/api/v1/environments"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.json().writeValueAsBytes(
                        new io.labctl.protocol.environments.EnvironmentSpec("it", "local")))).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> created = Tls.client(admin).send(HttpRequest.newBuilder(URI.create(labd.url() + "/api/v1/tokens"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.json().writeValueAsBytes(
                        new TokenSpec(false, 3600L, null, "it", null, null, "exam-agent", null)))).build(),
                HttpResponse.BodyHandlers.ofString());
        String token = Json.json().readValue(created.body(), IssuedToken.class).token();
        return new Option[] {
            karafDistributionConfiguration()
                .frameworkUrl(new File(System.getProperty("agent.dist")).toURI().toString())
                .name("lab-agent")
                .unpackDirectory(new File("target/exam-agent"))
                .useDeployFolder(false),
            configureConsole().ignoreLocalConsole(),
            logLevel(LogLevel.INFO),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                System.getProperty("user.home") + "/.m2/repository"),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories",
                "https://repo1.maven.org/maven2@id=central"),
            editConfigurationFilePut("etc/io.labctl.agent.cfg", "serverUrl", labd.url()),
            editConfigurationFilePut("etc/io.labctl.agent.cfg", "name", "exam-agent"),
            editConfigurationFilePut("etc/io.labctl.agent.cfg", "token", token),
            systemProperty("labd.url").value(labd.url()),
            systemProperty("labd.admin").value(labd.adminBundle().toString()),
        };
    }

    private static HttpResponse<String> ping(HttpClient client) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(System.getProperty("labd.url") + "/api/v1/servers/exam-agent/ping"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> awaitPing(HttpClient client, int status) throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(90));
        HttpResponse<String> last = null;
        while (Instant.now().isBefore(until)) {
            try {
                last = ping(client);
                if (last.statusCode() == status) {
                    return last;
                }
            } catch (java.io.IOException e) {
                // labd busy: try again
            }
            Thread.sleep(250);
        }
        throw new AssertionError("ping never answered " + status + "; last: " + (last == null ? "none" : last.statusCode() + " " + last.body()));
    }

    private static long connections() throws Exception {
        Path log = Path.of(System.getProperty("karaf.log"), "karaf.log");
        return Files.readAllLines(log).stream().filter(l -> l.contains("connected to labd")).count();
    }

    @Test
    public void anAgentCapabilityIsRemovedAndReinstalledWithoutDroppingTheConnection() throws Exception {
        HttpClient admin = Tls.client(CredentialBundle.read(Path.of(System.getProperty("labd.admin"))));
        awaitPing(admin, 200);
        long connected = connections();
        assertEquals("connected once", 1, connected);

        features.uninstallFeature("lab-agent-ping", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        HttpResponse<String> missing = awaitPing(admin, 501);
        assertEquals(StreamError.NOT_INSTALLED, Json.json().readValue(missing.body(), ApiError.class).code());
        assertTrue(missing.body(), missing.body().contains("not installed"));

        features.installFeature("lab-agent-ping", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        awaitPing(admin, 200);
        assertEquals("the agent's connection was never dropped", connected, connections());
    }
    /**
     * The agent's "module" stream in the real distribution: a module jar already in the verified cache (so labd's
     * repository is not needed here) is installed live, applied to this machine, applied again without changes, and
     * removed with its bundle; a module built for another module API is refused naming the range and leaves nothing.
     */
    @Test
    public void aModuleIsInstalledLiveAppliedAndRemovedAndOneForAnotherApiIsRefused() throws Exception {
        Path work = Files.createTempDirectory("module-it");
        Path managed = work.resolve("managed.txt");
        StreamHandler handler = moduleHandler();

        String sha = cache(TouchModule.jar(work, "1.0.0", "[1.0,2)"));
        String first = run(handler, "apply", "1.0.0", sha, managed);
        assertTrue(first, first.startsWith("exit 0: "));
        ModuleReport applied = Json.json().readValue(first.substring("exit 0: ".length()), ModuleReport.class);
        assertEquals(1, applied.changed());
        assertEquals("healthy", applied.health());
        assertEquals("managed on exam-agent\n", Files.readString(managed));
        assertEquals(List.of("labctl-module:touch/1.0.0/" + sha), moduleLocations());

        String again = run(handler, "apply", "1.0.0", sha, managed);
        assertEquals(0, Json.json().readValue(again.substring("exit 0: ".length()), ModuleReport.class).changed());

        // a drift check: a plan of the installed module from the cache changes nothing (its time is bench/'s)
        String plan = run(handler, "plan", "1.0.0", sha, managed);
        assertTrue(plan, plan.startsWith("exit 0: ") && plan.contains("\"changed\":0"));

        String removed = run(handler, "remove", "1.0.0", sha, managed);
        assertTrue(removed, removed.startsWith("exit 0: "));
        assertTrue("the removal ran", Files.notExists(managed));
        assertEquals("the module's bundle is gone", List.of(), moduleLocations());

        String otherApi = cache(TouchModule.jar(work, "2.0.0", "[2.0,3)"));
        String refused = run(handler, "apply", "2.0.0", otherApi, managed);
        assertTrue(refused, refused.startsWith("error module-unresolvable: module touch 2.0.0 cannot run on this agent:"
                + " it requires io.labctl.module [2.0,3), and this agent has io.labctl.module 1.0.0"));
        assertEquals("nothing stays installed", List.of(), moduleLocations());
        assertTrue(Files.notExists(managed));
    }

    private StreamHandler moduleHandler() throws Exception {
        ServiceReference<StreamHandler> ref = bundleContext.getServiceReferences(StreamHandler.class,
                "(" + StreamHandler.KIND + "=module)").stream().findFirst()
                .orElseThrow(() -> new AssertionError("no handler for the module stream kind"));
        return bundleContext.getService(ref);
    }

    /** Puts a module jar where the agent caches verified jars; returns its SHA-256. */
    private static String cache(Path jar) throws Exception {
        byte[] bytes = Files.readAllBytes(jar);
        String sha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        Path cache = Path.of(System.getProperty("karaf.data"), "labctl", "modules");
        Files.createDirectories(cache);
        Files.write(cache.resolve(sha + ".jar"), bytes);
        return sha;
    }

    private static String run(StreamHandler handler, String action, String version, String sha, Path managed)
            throws Exception {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("action", action);
        params.put("module", TouchModule.NAME);
        params.put("version", version);
        params.put("sha256", sha);
        params.put("runId", "it-" + action);
        params.put("inputs", Map.of("path", managed.toString()));
        CollectingChannel channel = new CollectingChannel();
        handler.open(new StreamOpen("module", params, 1 << 20), channel);
        return channel.awaitEnd(90);
    }

    private List<String> moduleLocations() {
        return Arrays.stream(bundleContext.getBundles()).map(Bundle::getLocation)
                .filter(l -> l.startsWith("labctl-module:")).toList();
    }
}
