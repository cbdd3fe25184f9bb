package io.labctl.api;

import java.util.Objects;
import org.osgi.service.component.ComponentServiceObjects;

/**
 * An optional DS reference whose service object is taken when first used, not when the component activates. For the
 * reference that closes a cycle between two components (rbac's decisions read the server registry, which checks its
 * callers with them; the web serves a capability's routes and is the address that capability hands out): bound as
 * {@link ComponentServiceObjects}, SCR takes no service object at activation, so activating one side never has to
 * activate the other in the middle of it (SCR then leaves the reference empty and binds it later, and calls in
 * between fail).
 *
 * <p>Use: {@code @Reference(service = X.class, cardinality = OPTIONAL, policy = DYNAMIC, unbind = "unsetX") void
 * setX(ComponentServiceObjects<X> objects)} keeps {@code new LazyService<>(objects)} in a volatile field; the unbind
 * method {@link #release}s it when it {@link #holds} the objects being unbound.
 */
public final class LazyService<T> {
    private final ComponentServiceObjects<T> objects;
    private T service;

    public LazyService(ComponentServiceObjects<T> objects) {
        this.objects = Objects.requireNonNull(objects);
    }

    private LazyService(T service) {
        this.objects = null;
        this.service = service;
    }

    /** One that is already there (outside OSGi: tests). */
    public static <T> LazyService<T> of(T service) {
        return new LazyService<>(Objects.requireNonNull(service));
    }

    /** The service, taken on the first call; null when it has gone meanwhile. */
    public synchronized T get() {
        if (service == null && objects != null) {
            service = objects.getService();
        }
        return service;
    }

    public boolean holds(ComponentServiceObjects<T> other) {
        return objects == other;
    }

    /** Gives the service object back (at unbind). */
    public synchronized void release() {
        if (service != null && objects != null) {
            objects.ungetService(service);
        }
        service = null;
    }
}
