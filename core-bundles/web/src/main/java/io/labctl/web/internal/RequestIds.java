package io.labctl.web.internal;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Outermost handler: gives every request an id (response header and request attribute, read by the JAX-RS layer
 * and the WebSocket creator) and records the peer address where Jersey can see it without the servlet API.
 */
final class RequestIds extends Handler.Wrapper {
    static final String HEADER = "X-Request-Id";
    static final String ATTRIBUTE = "io.labctl.web.requestId";
    static final String REMOTE_ADDRESS_ATTRIBUTE = "io.labctl.web.remoteAddress";

    RequestIds(Handler next) {
        super(next);
    }

    /** 64 random bits in hex: unique enough to find a request in the logs, and cheap. */
    static String next() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String id = next();
        request.setAttribute(ATTRIBUTE, id);
        request.setAttribute(REMOTE_ADDRESS_ATTRIBUTE, Request.getRemoteAddr(request));
        response.getHeaders().put(HEADER, id);
        return super.handle(request, response, callback);
    }

    /** The id of a request, creating one for requests that never passed this handler (malformed ones). */
    static String of(Request request) {
        Object id = request.getAttribute(ATTRIBUTE);
        if (id instanceof String s) {
            return s;
        }
        String fresh = next();
        request.setAttribute(ATTRIBUTE, fresh);
        return fresh;
    }
}
