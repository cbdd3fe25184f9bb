package io.labctl.agent.modules.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.agent.api.AgentLink;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;

/**
 * What an agent killed in the middle of a core replacement finds at its next start, decided by the journal and the
 * core that runs: each branch of {@link CoreReplacer#recover}, with the framework faked (proxies of the OSGi
 * interfaces: a core bundle at a version, its link up or not, the bytes it is updated with).
 */
class CoreRecoveryTest {
    @TempDir
    Path dir;

    /** The core bundle as the framework shows it, and what it was updated with. */
    final class FakeCore {
        volatile Version version;
        final AtomicBoolean connected = new AtomicBoolean();
        final List<byte[]> updates = new ArrayList<>();
        final Bundle bundle = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> CoreReplacer.CORE;
                    case "getVersion" -> version;
                    case "getState" -> Bundle.ACTIVE;
                    case "getBundleId" -> 29L;
                    case "update" -> {
                        synchronized (updates) {
                            updates.add(((InputStream) args[0]).readAllBytes());
                        }
                        yield null;
                    }
                    case "hashCode" -> 29;
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        final AgentLink link = connected::get;
        @SuppressWarnings("unchecked")
        final ServiceReference<AgentLink> reference = (ServiceReference<AgentLink>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ServiceReference.class}, (proxy, method, args) ->
                        switch (method.getName()) {
                            case "getBundle" -> bundle;
                            case "hashCode" -> 7;
                            case "equals" -> proxy == args[0];
                            default -> throw new UnsupportedOperationException(method.getName());
                        });
        final BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getBundles" -> new Bundle[] {bundle};
                    case "getServiceReferences" -> List.of(reference);
                    case "getService" -> link;
                    case "ungetService" -> true;
                    default -> throw new UnsupportedOperationException(method.getName());
                });

        FakeCore(String version) {
            this.version = new Version(version);
        }
    }

    /** Each test's settling ends before the next begins: one replacement at a time per JVM. */
    @org.junit.jupiter.api.AfterEach
    void settled() throws InterruptedException {
        await("the settling thread to end", () -> !CoreReplacer.replacing());
    }

    Path journal() {
        return dir.resolve("core-upgrade.properties");
    }

    /** The journal an interrupted replacement 0.2.0 -> 0.5.0 leaves, with the new jar and the kept old one. */
    byte[] interruptedReplacement() throws Exception {
        Path jar = Files.write(dir.resolve("new-core.jar"), new byte[] {5, 0, 0});
        byte[] previous = {2, 0, 0};
        Files.write(dir.resolve("core-previous.jar"), previous);
        Properties p = new Properties();
        p.setProperty("jar", jar.toString());
        p.setProperty("from", "0.2.0");
        p.setProperty("to", "0.5.0");
        p.setProperty("phase", "replacing");
        try (var out = Files.newOutputStream(journal())) {
            p.store(out, null);
        }
        return previous;
    }

    static void await(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - until > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void nothingToRecoverWithoutAJournal() {
        FakeCore core = new FakeCore("0.2.0");
        assertNull(new CoreReplacer(core.context, dir).recover());
        assertTrue(core.updates.isEmpty());
    }

    @Test
    void theOldCoreRunning_theReplacementNeverHappened() throws Exception {
        interruptedReplacement();
        FakeCore core = new FakeCore("0.2.0");
        String found = new CoreReplacer(core.context, dir).recover();
        assertTrue(found.contains("did not happen") && found.contains("0.2.0 runs"), found);
        assertFalse(Files.exists(journal()), "the journal is settled");
        assertFalse(Files.exists(dir.resolve("core-previous.jar")));
        assertTrue(core.updates.isEmpty(), "nothing to put back: the old core runs");
    }

    @Test
    void theNewCoreRunningAndConnecting_isKept() throws Exception {
        interruptedReplacement();
        FakeCore core = new FakeCore("0.5.0");
        String found = new CoreReplacer(core.context, dir, Duration.ofSeconds(10)).recover();
        assertTrue(found.contains("kept once it connects"), found);
        assertTrue(Files.exists(journal()), "not settled before the new core connected");
        core.connected.set(true);
        await("the journal settled", () -> !Files.exists(journal()));
        assertTrue(core.updates.isEmpty(), "the new core was put back although it connected");
        await("the new core kept as the one to put back next time", () -> Files.exists(dir.resolve("core-current.jar")));
        assertArrayEquals(new byte[] {5, 0, 0}, Files.readAllBytes(dir.resolve("core-current.jar")));
    }

    @Test
    void theNewCoreRunningButNeverConnecting_theOldOneIsPutBack() throws Exception {
        byte[] previous = interruptedReplacement();
        FakeCore core = new FakeCore("0.5.0");
        String found = new CoreReplacer(core.context, dir, Duration.ofMillis(300)).recover();
        assertTrue(found.contains("kept once it connects"), found);
        await("the old core put back", () -> {
            synchronized (core.updates) {
                return !core.updates.isEmpty();
            }
        });
        assertArrayEquals(previous, core.updates.get(0), "the core was updated with something else than the old jar");
        await("the journal settled", () -> !Files.exists(journal()));
        assertFalse(Files.exists(dir.resolve("core-current.jar")), "a core that never connected was kept");
    }
}
