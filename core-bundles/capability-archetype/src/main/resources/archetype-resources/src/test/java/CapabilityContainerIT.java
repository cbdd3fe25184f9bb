package ${package};

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.replaceConfigurationFile;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import javax.inject.Inject;
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

/**
 * The capability in a real labd: the labd distribution boots with this build's .kar in its deploy/ folder, as an
 * operator would hot-deploy it. Runs inside the container.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CapabilityContainerIT {
    static final String FEATURE = "labd-${capability}";
    static final String COMMAND = "lab:${capability}-items";

    @Inject
    BundleContext context;

    @Inject
    FeaturesService features;

    @Inject
    SessionFactory shell;

    @Configuration
    public Option[] config() throws IOException {
        int web = freePort();
        return new Option[] {
            karafDistributionConfiguration()
                .frameworkUrl(new File(System.getProperty("labd.dist")).toURI().toString())
                .name("labd")
                .unpackDirectory(new File("target/exam"))
                .useDeployFolder(false),
            configureConsole().ignoreLocalConsole(),
            logLevel(LogLevel.WARN),
            replaceConfigurationFile("deploy/${artifactId}.kar", new File(System.getProperty("capability.kar"))),
            // Pax Exam installs its probe from Maven: the container reads the build's local repository
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                System.getProperty("maven.local")),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", ""),
            editConfigurationFilePut("etc/io.labctl.web.cfg", "host", "127.0.0.1"),
            editConfigurationFilePut("etc/io.labctl.web.cfg", "port", String.valueOf(web)),
            editConfigurationFilePut("etc/io.labctl.web.cfg", "advertiseUrl", "https://127.0.0.1:" + web),
            editConfigurationFilePut("etc/io.labctl.persistence.cfg", "embeddedPort", String.valueOf(freePort())),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(freePort())),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(freePort())),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(freePort())),
        };
    }

    @Test
    public void theDeployedCapabilityServesItsShellCommandUntilItsFeatureIsRemoved() throws Exception {
        // the command is there once the store runs, which is after labd migrated db/${capability}/; it reads the table
        String listed = awaitOutput(COMMAND, out -> !out.contains("Command not found") && !out.contains("failed:"));
        assertFalse(listed, listed.contains("Error"));
        assertEquals(Bundle.ACTIVE, bundle().getState());

        uninstallFeature();
        awaitOutput(COMMAND, out -> out.contains("Command not found"));
    }

    /**
     * Removes the capability's feature through the features service running now: Karaf may replace that service while
     * the .kar's features settle (the injected one then refuses work), so a refused call is made again on the new one.
     */
    private void uninstallFeature() throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        while (true) {
            org.osgi.framework.ServiceReference<FeaturesService> ref = context.getServiceReference(FeaturesService.class);
            FeaturesService current = ref == null ? null : context.getService(ref);
            try {
                if (current != null) {
                    current.uninstallFeature(FEATURE, EnumSet.noneOf(FeaturesService.Option.class));
                    return;
                }
            } catch (java.util.concurrent.RejectedExecutionException e) {
                if (Instant.now().isAfter(until)) {
                    throw e;
                }
            }
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("no features service to remove " + FEATURE + " with");
            }
            Thread.sleep(500);
        }
    }

    private Bundle bundle() {
        for (Bundle b : context.getBundles()) {
            if ("${package}".equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle ${package} is not installed");
    }

    /** Runs the command as labd's admin until its output passes the check (the capability may still be starting or going). */
    private String awaitOutput(String command, java.util.function.Predicate<String> done) throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(120));
        String out = runAsAdmin(command);
        while (!done.test(out)) {
            if (Instant.now().isAfter(until)) {
                throw new AssertionError(command + " did not answer as expected within 120 s: " + out);
            }
            Thread.sleep(250);
            out = runAsAdmin(command);
        }
        return out;
    }

    /** One shell command as the Karaf login "admin", which labd maps to its labctl admin user. */
    private String runAsAdmin(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Session session = shell.create(new ByteArrayInputStream(new byte[0]), out, out);
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal("admin"));
        subject.getPrincipals().add(new RolePrincipal("admin"));
        try {
            Subject.doAs(subject, (PrivilegedExceptionAction<Object>) () -> session.execute(command));
        } catch (Exception e) {
            out.println("failed: " + (e instanceof java.security.PrivilegedActionException p ? p.getCause() : e));
        } finally {
            session.close();
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
