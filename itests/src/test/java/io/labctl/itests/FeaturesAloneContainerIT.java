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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.inject.Inject;
import javax.sql.DataSource;
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
import org.osgi.framework.ServiceReference;

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
        // searched before the local repository, whose copies of our snapshots may be older than this build's
        String ours = repo.resolve("labd/system").toUri() + "@id=labd@snapshots, " + repo.resolve("agent/system").toUri()
                + "@id=agent@snapshots";
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
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.defaultRepositories", ours),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories",
                "https://repo1.maven.org/maven2@id=central"),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(Ports.free())),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(Ports.free())),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(Ports.free())),
            editConfigurationFilePut("etc/io.labctl.web.cfg", "host", "127.0.0.1"),
            editConfigurationFilePut("etc/io.labctl.web.cfg", "port", String.valueOf(Ports.free())),
            editConfigurationFilePut("etc/io.labctl.persistence.cfg", "embeddedPort", String.valueOf(Ports.free())),
            // the engine driver runs the stand-in engine (a test double of the pulumi binary) in pulumiEngineRunsInKaraf
            editConfigurationFilePut("etc/io.labctl.pulumi.engine.cfg", "pulumiBinary", Path.of(System.getProperty("labctl.root"),
                "core-bundles/pulumi-engine/target/standin/pulumi").toAbsolutePath().normalize().toString()),
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
                // a fragment is never started: attached to its resolved host is as far as it goes
                int working = isFragment(bsn) ? Bundle.RESOLVED : Bundle.ACTIVE;
                Instant until = Instant.now().plus(Duration.ofSeconds(60));
                while (Instant.now().isBefore(until) && state(bsn) != working) {
                    Thread.sleep(100);
                }
                assertEquals(name + ": " + bsn + (working == Bundle.ACTIVE ? " active" : " resolved (a fragment)"),
                        working, state(bsn));
            }
            features.uninstallFeature(name, EnumSet.noneOf(FeaturesService.Option.class));
            assertTrue(name + " left no labctl bundle behind", labctlBundlesInstalled().isEmpty());
        }
    }

    /**
     * The engine driver inside Karaf, with the Pulumi SDK and the libraries it embeds loaded through OSGi's class
     * loading: its status, and an update of a YAML program by the stand-in engine with its outputs. By reflection,
     * so that the probe never wires to the bundle the uninstall removes.
     */
    @Test
    public void pulumiEngineRunsInKaraf() throws Exception {
        features.addRepository(URI.create(System.getProperty("labctl.features")));
        features.installFeature("labd-pulumi-engine", EnumSet.noneOf(FeaturesService.Option.class));
        try {
            Object engine = null;
            Instant until = Instant.now().plus(Duration.ofSeconds(60));
            while (engine == null && Instant.now().isBefore(until)) {
                ServiceReference<?>[] refs = context.getAllServiceReferences("io.labctl.pulumi.engine.PulumiEngine", null);
                if (refs != null) {
                    engine = context.getService(refs[0]);
                } else {
                    Thread.sleep(100);
                }
            }
            assertTrue("the PulumiEngine service is registered", engine != null);
            Object status = engine.getClass().getMethod("status").invoke(engine);
            assertEquals(status.toString(), Boolean.TRUE, status.getClass().getMethod("available").invoke(status));
            assertEquals("3.140.0", status.getClass().getMethod("version").invoke(status));

            ClassLoader api = engine.getClass().getClassLoader();
            Path dir = Files.createTempDirectory("labctl-pulumi-it");
            Path program = Files.createDirectories(dir.resolve("program"));
            Files.writeString(program.resolve("Pulumi.yaml"), "name: demo\nruntime: yaml\nresources:\n  a:\n"
                    + "    type: test:index:Thing\n    properties:\n      size: ${size}\noutputs:\n  size: ${size}\n"
                    + "  token:\n    fn::secret: abc\n");
            Class<?> operation = api.loadClass("io.labctl.pulumi.engine.Operation");
            Class<?> runType = api.loadClass("io.labctl.pulumi.engine.EngineRun");
            Class<?> listenerType = api.loadClass("io.labctl.pulumi.engine.EngineListener");
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object up = Enum.valueOf((Class) operation, "UP");
            Object run = runType.getConstructors()[0].newInstance(up, "demo", "dev", program,
                    Files.createDirectories(dir.resolve("state")).toUri().toString(), "a passphrase",
                    java.util.Map.of("size", "3"), java.util.Set.of(), java.util.Map.of());
            List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
            Object listener = java.lang.reflect.Proxy.newProxyInstance(api, new Class<?>[] {listenerType},
                    (proxy, method, args) -> method.getName().equals("line") ? lines.add((String) args[0]) : null);
            Object outcome = engine.getClass().getMethod("run", runType, listenerType).invoke(engine, run, listener);
            assertEquals(lines.toString(), java.util.Map.of("create", 2),
                    outcome.getClass().getMethod("changes").invoke(outcome));
            assertEquals("{size=\"3\", token=[secret]}", new java.util.TreeMap<>((java.util.Map<?, ?>)
                    outcome.getClass().getMethod("outputs").invoke(outcome)).toString());
            assertTrue(lines.toString(), lines.contains("Updating (dev):"));
        } finally {
            features.uninstallFeature("labd-pulumi-engine", EnumSet.noneOf(FeaturesService.Option.class));
        }
    }

    /**
     * A capability's schema outlives its feature: uninstalling labd-tokens takes its Schema service away and keeps
     * its rows; installed again, its history is current and nothing runs twice.
     */
    @Test
    public void uninstallingACapabilityKeepsItsDataAndReinstallingFindsItsSchemaCurrent() throws Exception {
        features.addRepository(URI.create(System.getProperty("labctl.features")));
        features.installFeature("labd-tokens", EnumSet.noneOf(FeaturesService.Option.class));
        assertEquals("1", schemaVersion("tokens"));
        sql("INSERT INTO join_tokens (secret_hash, created_by) VALUES ('kept-across-uninstall', 'FeaturesAloneContainerIT')");
        features.uninstallFeature("labd-tokens", EnumSet.noneOf(FeaturesService.Option.class));
        assertTrue("no Schema service without its bundle",
                context.getAllServiceReferences("io.labctl.persistence.Schema", "(labctl.schema=tokens)") == null);

        features.installFeature("labd-tokens", EnumSet.noneOf(FeaturesService.Option.class));
        try {
            assertEquals("1", schemaVersion("tokens"));
            assertEquals(1, count("SELECT count(*) FROM join_tokens WHERE secret_hash = 'kept-across-uninstall'"));
            assertEquals("its V1 ran once", 1, count("SELECT count(*) FROM flyway_history_tokens WHERE type = 'SQL'"));
        } finally {
            features.uninstallFeature("labd-tokens", EnumSet.noneOf(FeaturesService.Option.class));
        }
    }

    /** Waits for the capability's Schema service and returns its version property. */
    private String schemaVersion(String capability) throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(until)) {
            // getAll: by name only, so that the probe never wires to the persistence bundle (which the uninstall removes)
            ServiceReference<?>[] refs = context.getAllServiceReferences("io.labctl.persistence.Schema", "(labctl.schema=" + capability + ")");
            if (refs != null) {
                return String.valueOf(refs[0].getProperty("labctl.schema.version"));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no Schema service for " + capability + " within 60 s");
    }

    /** labd's DataSource, from the persistence bundle's Database service (by name: the probe compiles without it). */
    private DataSource dataSource() throws Exception {
        ServiceReference<?> ref = context.getAllServiceReferences("io.labctl.persistence.Database", null)[0];
        Object database = context.getService(ref);
        return (DataSource) database.getClass().getMethod("dataSource").invoke(database);
    }

    private void sql(String statement) throws Exception {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private long count(String query) throws Exception {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
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

    private boolean isFragment(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b.getHeaders().get(org.osgi.framework.Constants.FRAGMENT_HOST) != null;
            }
        }
        return false;
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
