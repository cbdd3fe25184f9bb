package io.labctl.persistence.internal;

import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.persistence.SchemaState;
import io.labctl.persistence.SchemaState.Status;
import io.labctl.persistence.Schemas;
import java.net.URL;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.BundleTracker;
import org.osgi.util.tracker.BundleTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema extender: for every started bundle that declares {@code Labctl-Schema}, runs its migrations and
 * registers its {@link Schema} service; when the bundle stops, the service
 * goes and the data stays. A failed migration registers nothing, is logged once as an ERROR and is kept in
 * {@link #states()}; every other capability carries on. A bundle updated to a version with new migrations stops
 * and starts again, and so migrates forward.
 *
 * <p>Migrations run on the thread that starts the bundle (or that activates this extender, for bundles already
 * started), as the single shared migration did before: the capability's components then activate on
 * that thread too, never concurrently with other bundles' activation (which, with a thread of its own, could find a
 * service still activating elsewhere, e.g. the web server, and fail).
 */
@Component(service = Schemas.class, immediate = true)
public class SchemaExtender implements Schemas {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaExtender.class);

    private final Database database;
    private final BundleContext context;
    private final Map<String, Declared> declared = new ConcurrentHashMap<>();
    private final BundleTracker<Declared> tracker;

    @Activate
    public SchemaExtender(@Reference Database database, BundleContext context) {
        this.database = database;
        this.context = context;
        this.tracker = new BundleTracker<>(context, Bundle.STARTING | Bundle.ACTIVE, new Customizer());
        tracker.open();
    }

    @Deactivate
    void deactivate() {
        tracker.close();
    }

    @Override
    public List<SchemaState> states() {
        return declared.values().stream().map(d -> d.state).sorted(Comparator.comparing(SchemaState::capability)).toList();
    }

    /** One bundle's declared schema while the bundle is started. */
    private final class Declared {
        final Bundle bundle;
        final String capability;
        volatile SchemaState state;
        private ServiceRegistration<Schema> registration;
        private boolean gone;

        Declared(Bundle bundle, String capability) {
            this.bundle = bundle;
            this.capability = capability;
            this.state = state(Status.MIGRATING, "", "");
        }

        SchemaState state(Status status, String version, String problem) {
            return new SchemaState(capability, bundle.getSymbolicName(), bundle.getVersion().toString(), status, version, problem);
        }

        void migrate(SchemaHeader header) {
            try {
                String version = CapabilityMigrator.migrate(database.dataSource(), header, scripts(bundle, header),
                        SchemaExtender.class.getClassLoader());
                register(version);
            } catch (RuntimeException e) {
                fail(e instanceof SchemaMigrationException m ? m
                        : new SchemaMigrationException(e.toString(), "see the stack trace in labd's log", e));
            }
        }

        private synchronized void register(String version) {
            if (gone) {
                return;
            }
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(Schema.CAPABILITY, capability);
            props.put(Schema.VERSION, version);
            registration = context.registerService(Schema.class, new CapabilitySchema(capability, version, database), props);
            state = state(Status.CURRENT, version, "");
            LOG.info("schema of capability '{}' ({} {}) is current at version {}", capability,
                    bundle.getSymbolicName(), bundle.getVersion(), version);
        }

        void fail(SchemaMigrationException e) {
            String problem = e.getMessage() + "; " + e.remedy() + ", then restart the bundle (bundle:restart "
                    + bundle.getSymbolicName() + ") or labd";
            state = state(Status.FAILED, state.version(), problem);
            LOG.error("capability '{}' ({} {}) stays inactive, every other capability runs: its schema: {}", capability,
                    bundle.getSymbolicName(), bundle.getVersion(), problem);
            LOG.debug("capability '{}': the migration's failure in full", capability, e);
        }

        synchronized void close() {
            gone = true;
            if (registration != null) {
                try {
                    registration.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // persistence itself is stopping
                }
                registration = null;
            }
        }
    }

    static MigrationScripts scripts(Bundle bundle, SchemaHeader header) {
        Map<String, URL> found = new HashMap<>();
        Enumeration<URL> entries = bundle.findEntries(header.folder(), "*.sql", false);
        for (URL url : entries == null ? Collections.<URL>emptyList() : Collections.list(entries)) {
            String path = url.getPath();
            found.put(path.substring(path.lastIndexOf('/') + 1), url);
        }
        return new MigrationScripts(header.folder(), found);
    }

    private final class Customizer implements BundleTrackerCustomizer<Declared> {
        @Override
        public Declared addingBundle(Bundle bundle, BundleEvent event) {
            String value = bundle.getHeaders().get(SchemaHeader.NAME);
            if (value == null) {
                return null;
            }
            SchemaHeader header;
            try {
                header = SchemaHeader.parse(value);
            } catch (IllegalArgumentException e) {
                Declared bad = new Declared(bundle, value.split(";")[0].strip());
                bad.fail(new SchemaMigrationException("its header is wrong: " + e.getMessage(), "correct the header"));
                declared.put(bad.capability, bad);
                return bad;
            }
            Declared mine = new Declared(bundle, header.capability());
            Declared other = declared.putIfAbsent(header.capability(), mine);
            if (other != null && other.bundle.getBundleId() != bundle.getBundleId()) {
                LOG.error("bundle {} declares the schema of capability '{}', which bundle {} already owns: ignored;"
                        + " uninstall one of them", bundle.getSymbolicName(), header.capability(), other.bundle.getSymbolicName());
                return null;
            }
            mine.migrate(header);
            return mine;
        }

        @Override
        public void modifiedBundle(Bundle bundle, BundleEvent event, Declared d) {
            // STARTING to ACTIVE: nothing changes for its schema
        }

        @Override
        public void removedBundle(Bundle bundle, BundleEvent event, Declared d) {
            d.close();
            declared.remove(d.capability, d);
        }
    }
}
