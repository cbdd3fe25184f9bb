package io.labctl.web.internal;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST routes' servlet: one Jersey application at a time serves new requests, and a swap for a new one (a
 * capability's routes came or went) lets the requests already running end on the application they started on; that
 * one is shut down when its last request is done. Jersey's own reload shuts the old application down at once, which
 * fails the requests in flight ("ServiceLocatorImpl has been shut down") whenever a capability is deployed.
 */
final class SwappableJersey extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SwappableJersey.class);

    /** One Jersey application and the requests it serves now. */
    private static final class Generation {
        final ServletContainer container;
        final AtomicInteger inFlight = new AtomicInteger();
        volatile boolean retired;
        final AtomicBoolean destroyed = new AtomicBoolean();

        Generation(ServletContainer container) {
            this.container = container;
        }

        /** Once retired and idle: shut down exactly once, by whichever thread sees it last. */
        void destroyIfDone() {
            if (retired && inFlight.get() == 0 && destroyed.compareAndSet(false, true)) {
                try {
                    container.destroy();
                } catch (RuntimeException e) {
                    LOG.warn("shutting down a replaced REST application failed: {}", e.toString());
                }
            }
        }
    }

    private final transient Object swaps = new Object();
    private transient volatile Generation current;

    SwappableJersey(ResourceConfig first) {
        this.current = new Generation(new ServletContainer(first));
    }

    @Override
    public void init() throws ServletException {
        current.container.init(getServletConfig());
    }

    @Override
    public void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        Generation g;
        while (true) {
            g = current;
            g.inFlight.incrementAndGet();
            if (!g.retired) {
                break;
            }
            // swapped between reading it and counting this request: take the new one
            g.inFlight.decrementAndGet();
            g.destroyIfDone();
        }
        try {
            g.container.service(request, response);
        } finally {
            g.inFlight.decrementAndGet();
            g.destroyIfDone();
        }
    }

    /**
     * Serves new requests with the application; the one it replaces ends with its last request. Call with Jersey's
     * class loader as the thread's context loader, as Jetty does when it initialises the servlet.
     */
    void swap(ResourceConfig next) throws ServletException {
        synchronized (swaps) {
            Generation fresh = new Generation(new ServletContainer(next));
            fresh.container.init(getServletConfig());
            Generation old = current;
            current = fresh;
            old.retired = true;
            old.destroyIfDone();
        }
    }

    @Override
    public void destroy() {
        synchronized (swaps) {
            Generation g = current;
            g.retired = true;
            g.destroyIfDone();
        }
    }
}
