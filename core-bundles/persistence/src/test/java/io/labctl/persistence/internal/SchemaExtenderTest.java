package io.labctl.persistence.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.persistence.Schema;
import io.labctl.persistence.SchemaState;
import io.labctl.persistence.SchemaState.Status;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Version;

/**
 * The extender against a real embedded PostgreSQL, with the framework played by proxies: a started bundle with the
 * header gets its Schema service once migrated, a failing one none (and a reason), a stopped one loses it.
 */
class SchemaExtenderTest {
    @TempDir
    static Path dir;
    static DatabaseService db;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabases.start(dir.resolve("pg"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (db != null) {
            db.deactivate();
        }
    }

    @Test
    void startedBundlesAreMigratedAndGetTheirSchemaServiceUntilTheyStop() throws Exception {
        FakeBundle good = new FakeBundle(11, "io.example.notes", "notes;legacy-baseline=1", "bundle-good");
        FakeBundle clash = new FakeBundle(12, "io.example.clash", "clash", "bundle-clash");
        FakeBundle plain = new FakeBundle(13, "io.example.plain", null, "bundle-good");
        FakeFramework framework = new FakeFramework(List.of(good, clash, plain));
        SchemaExtender extender = new SchemaExtender(db, framework.context());
        try {
            await(() -> extender.states().stream().noneMatch(s -> s.status() == Status.MIGRATING));
            List<SchemaState> states = extender.states();
            assertEquals(List.of("clash", "notes"), states.stream().map(SchemaState::capability).toList(),
                    "a bundle without the header is not a schema");
            assertEquals(new SchemaState("notes", "io.example.notes", "1.2.0", Status.CURRENT, "1", ""), states.get(1));
            SchemaState failed = states.get(0);
            assertEquals(Status.FAILED, failed.status());
            assertTrue(failed.problem().contains("migration V1 (clash) failed") && failed.problem().contains("already exists")
                    && failed.problem().contains("bundle:restart io.example.clash"), failed.problem());

            assertEquals(1, framework.registered.size(), "one Schema service: the failed capability has none");
            Map<String, Object> props = framework.registered.values().iterator().next();
            assertEquals("notes", props.get(Schema.CAPABILITY));
            assertEquals("1", props.get(Schema.VERSION));

            framework.stop(good);
            assertEquals(Map.of(), framework.registered, "a stopped bundle's Schema service goes");
            assertEquals(List.of("clash"), extender.states().stream().map(SchemaState::capability).toList());
            assertTrue(CapabilityMigrator.tableExists(db.dataSource(), "notes"), "its table stays");
        } finally {
            extender.deactivate();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        while (!condition.getAsBoolean()) {
            assertTrue(Instant.now().isBefore(until), "not within 60 s");
            Thread.sleep(50);
        }
    }

    /** A started bundle whose entries are a test resource folder. */
    record FakeBundle(long id, String symbolicName, String header, String folder) {
        Bundle proxy(int[] state) {
            return (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class}, (p, m, a) -> switch (m.getName()) {
                case "getState" -> state[0];
                case "getBundleId" -> id;
                case "getSymbolicName" -> symbolicName;
                case "getVersion" -> new Version(1, 2, 0);
                case "getHeaders" -> {
                    Hashtable<String, String> h = new Hashtable<>();
                    if (header != null) {
                        h.put(SchemaHeader.NAME, header);
                    }
                    yield h;
                }
                case "findEntries" -> entries((String) a[0]);
                case "hashCode" -> Long.hashCode(id);
                case "equals" -> p == a[0];
                default -> throw new UnsupportedOperationException(m.getName());
            });
        }

        private java.util.Enumeration<URL> entries(String path) throws Exception {
            URL root = getClass().getClassLoader().getResource(folder + "/" + path);
            if (root == null) {
                return null;
            }
            List<URL> found = new ArrayList<>();
            try (var files = Files.list(Path.of(root.toURI()))) {
                for (Path f : files.toList()) {
                    found.add(f.toUri().toURL());
                }
            }
            return Collections.enumeration(found);
        }
    }

    /** Just enough of a framework for a BundleTracker and service registrations. */
    static final class FakeFramework {
        final Map<Object, Map<String, Object>> registered = new ConcurrentHashMap<>();
        private final List<BundleListener> listeners = new CopyOnWriteArrayList<>();
        private final Map<FakeBundle, Bundle> bundles = new java.util.LinkedHashMap<>();
        private final Map<FakeBundle, int[]> states = new java.util.HashMap<>();

        FakeFramework(List<FakeBundle> started) {
            for (FakeBundle b : started) {
                int[] state = {Bundle.ACTIVE};
                states.put(b, state);
                bundles.put(b, b.proxy(state));
            }
        }

        void stop(FakeBundle b) {
            states.get(b)[0] = Bundle.RESOLVED;
            for (BundleListener l : listeners) {
                l.bundleChanged(new BundleEvent(BundleEvent.STOPPED, bundles.get(b)));
            }
        }

        BundleContext context() {
            return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class}, (p, m, a) -> switch (m.getName()) {
                case "addBundleListener" -> listeners.add((BundleListener) a[0]);
                case "removeBundleListener" -> listeners.remove(a[0]);
                case "getBundles" -> bundles.values().toArray(new Bundle[0]);
                case "registerService" -> register((Dictionary<?, ?>) a[2]);
                case "hashCode" -> 1;
                case "equals" -> p == a[0];
                default -> throw new UnsupportedOperationException(m.getName());
            });
        }

        private Object register(Dictionary<?, ?> properties) {
            Map<String, Object> props = new java.util.HashMap<>();
            for (Object k : Collections.list(properties.keys())) {
                props.put((String) k, properties.get(k));
            }
            Object key = new Object();
            registered.put(key, props);
            return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {org.osgi.framework.ServiceRegistration.class},
                    (p, m, a) -> switch (m.getName()) {
                        case "unregister" -> registered.remove(key);
                        case "hashCode" -> key.hashCode();
                        case "equals" -> p == a[0];
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }
    }
}
