package io.labctl.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import io.labctl.itests.support.Ports;
import io.labctl.itests.support.Processes;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import javax.inject.Inject;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
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

/**
 * Every labctl feature installed on its own into a stock Karaf (not our distributions), started, checked active and
 * removed again before the next: no capability leans on another being there; the third-party features of the
 * repository it references too. (karaf:verify in feature-repo checks the same for resolution, at build time.)
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FeaturesAloneContainerIT {

    @Inject
    FeaturesService features;

    @Inject
    BundleContext context;

    /** Runs in the JUnit JVM: the distributions' system folders serve our bundles to the stock Karaf. */
    @Configuration
    public Option[] config() throws Exception {
        Path repo = Files.createTempDirectory("labctl-repo");
        Processes.untar(Path.of(System.getProperty("labd.dist")), repo.resolve("labd"));
        Processes.untar(Path.of(System.getProperty("agent.dist")), repo.resolve("agent"));
        String repos = repo.resolve("labd/system").toUri() + "@id=labd@snapshots, " + repo.resolve("agent/system").toUri()
                + "@id=agent@snapshots, https://repo1.maven.org/maven2@id=central";
        String featureXml = repo.resolve("labd/system/io/labctl/labctl-features/" + System.getProperty("labctl.version")
                + "/labctl-features-" + System.getProperty("labctl.version") + "-features.xml").toUri().toString();
        return new Option[] {
            karafDistributionConfiguration()
                .frameworkUrl(maven().groupId("org.apache.karaf").artifactId("apache-karaf").type("tar.gz").versionAsInProject())
                .name("stock Karaf")
                .unpackDirectory(new File("target/exam-stock"))
                .useDeployFolder(false),
            configureConsole().ignoreLocalConsole(),
            logLevel(LogLevel.WARN),
            systemProperty("labctl.features").value(featureXml),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                System.getProperty("user.home") + "/.m2/repository"),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", repos),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(Ports.free())),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(Ports.free())),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(Ports.free())),
            editConfigurationFilePut("etc/io.labctl.web.cfg", "host", "127.0.0.1"),
            editConfigurationFilePut("etc/io.labctl.web.cfg", "port", String.valueOf(Ports.free())),
            editConfigurationFilePut("etc/io.labctl.persistence.cfg", "embeddedPort", String.valueOf(Ports.free())),
        };
    }

    @Test
    public void everyFeatureInstallsStartsAndUninstallsAlone() throws Exception {
        URI repository = URI.create(System.getProperty("labctl.features"));
        features.addRepository(repository);
        List<String> names = new ArrayList<>();
        for (Feature f : features.getRepository(repository).getFeatures()) {
            names.add(f.getName());
        }
        // and the third-party features, from the repository labctl's features file references
        for (URI referenced : features.getRepository(repository).getRepositories()) {
            for (Feature f : features.getRepository(referenced).getFeatures()) {
                names.add(f.getName());
            }
        }
        assertTrue("found the labctl features: " + names, names.contains("labd") && names.contains("lab-agent"));
        assertTrue("found the third-party features: " + names, names.contains("labctl-jaxrs")
                && names.contains("labctl-jackson") && names.contains("labctl-jdbc"));
        for (String name : names) {
            features.installFeature(name, EnumSet.noneOf(FeaturesService.Option.class));
            for (String bsn : labctlBundlesOf(features.getFeature(name))) {
                Instant until = Instant.now().plus(Duration.ofSeconds(60));
                while (Instant.now().isBefore(until) && state(bsn) != Bundle.ACTIVE) {
                    Thread.sleep(100);
                }
                assertEquals(name + ": " + bsn + " active", Bundle.ACTIVE, state(bsn));
            }
            features.uninstallFeature(name, EnumSet.noneOf(FeaturesService.Option.class));
            assertTrue(name + " left no labctl bundle behind", labctlBundlesInstalled().isEmpty());
        }
    }

    /** Symbolic names of the io.labctl bundles installed now: those the feature brought, dependencies included. */
    private List<String> labctlBundlesOf(Feature feature) throws Exception {
        List<String> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() != null && b.getSymbolicName().startsWith("io.labctl.")) {
                out.add(b.getSymbolicName());
            }
        }
        boolean capability = feature.getName().startsWith("labd") || feature.getName().startsWith("lab-agent");
        assertTrue(feature.getName() + " installed its labctl bundles", !capability || !out.isEmpty());
        return out;
    }

    private List<String> labctlBundlesInstalled() {
        List<String> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() != null && b.getSymbolicName().startsWith("io.labctl.")) {
                out.add(b.getSymbolicName());
            }
        }
        return out;
    }

    private int state(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b.getState();
            }
        }
        return Bundle.UNINSTALLED;
    }
}
