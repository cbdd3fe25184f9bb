package io.labctl.web.internal;

import java.util.concurrent.Executor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Whether labd has started: Karaf has installed its boot features (it then registers a BootFinished service) and the
 * routes the capabilities contributed meanwhile are being served. Until then health says "starting" (503), so that a
 * client that waited for health does not meet a route that is still on its way (a 404) or access control that is
 * still being wired. The service is tracked by name: the web bundle does not depend on Karaf's features API.
 */
final class KarafBoot implements AutoCloseable {
    static final String BOOT_FINISHED = "org.apache.karaf.features.BootFinished";
    /** Outside Karaf (unit tests): started from the beginning. */
    static final KarafBoot STARTED = new KarafBoot();

    private final ServiceTracker<Object, Object> tracker;
    private volatile boolean started;

    private KarafBoot() {
        this.tracker = null;
        this.started = true;
    }

    /** @param afterPendingReloads runs a task once every route change scheduled before it is served */
    KarafBoot(BundleContext context, Executor afterPendingReloads) {
        this.tracker = new ServiceTracker<>(context, BOOT_FINISHED, null) {
            @Override
            public Object addingService(ServiceReference<Object> reference) {
                afterPendingReloads.execute(() -> started = true);
                return reference;
            }
        };
        tracker.open(true);
    }

    /** Null once started, else what health says. */
    String starting() {
        return started ? null : "labd is starting: Karaf is still installing its capabilities";
    }

    @Override
    public void close() {
        if (tracker != null) {
            tracker.close();
        }
    }
}
