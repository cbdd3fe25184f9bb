package io.labctl.api.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;

/**
 * Where a {@link ProxyRoute} sends a request: the full target URI (https; a WebSocket upgrade goes to its wss
 * form), the client that reaches it (the route's TLS and credentials; routes keep one per backend so that
 * connections are reused) and the headers to set on the forwarded request, over anything the caller sent.
 */
public record Forward(URI target, HttpClient client, Map<String, String> headers) {
    public Forward {
        if (target == null || client == null) {
            throw new IllegalArgumentException("a forward needs a target and a client");
        }
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
}
