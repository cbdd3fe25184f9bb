package io.labctl.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Tls;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.IssuedToken;
import io.labctl.protocol.Json;
import io.labctl.protocol.TokenSpec;
import io.labctl.protocol.channel.StreamError;
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
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
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
}
