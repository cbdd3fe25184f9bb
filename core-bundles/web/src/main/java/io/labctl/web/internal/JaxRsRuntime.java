package io.labctl.web.internal;

import jakarta.ws.rs.ext.RuntimeDelegate;
import org.glassfish.jersey.internal.RuntimeDelegateImpl;

/**
 * The JAX-RS API is a bundle of its own, and its RuntimeDelegate lookup (behind {@code Response.ok()},
 * {@code UriBuilder}, {@code MediaType.valueOf} ...) searches the thread's context class loader and the API bundle:
 * neither sees the Jersey embedded in this bundle, so a capability bundle's call on any thread but a request's
 * would fail. The web bundle therefore hands Jersey's delegate to the API once, for everyone, while it runs, and takes
 * it back when it stops so that the API bundle keeps no class of a stopped bundle.
 */
final class JaxRsRuntime {
    private static RuntimeDelegate installed;

    private JaxRsRuntime() {}

    static synchronized void install() {
        installed = new RuntimeDelegateImpl();
        RuntimeDelegate.setInstance(installed);
    }

    static synchronized void uninstall() {
        if (installed != null) {
            RuntimeDelegate.setInstance(null); // the next lookup searches again
            installed = null;
        }
    }
}
