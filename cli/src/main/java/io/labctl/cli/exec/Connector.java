package io.labctl.cli.exec;

import io.labctl.cli.http.LabdClient;
import java.net.URLEncoder;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Opens the stream WebSocket for one server. The future fails with a {@link io.labctl.cli.CliException} saying what
 * went wrong (a {@link io.labctl.cli.http.LabdRefusal} when labd refused the upgrade).
 */
@FunctionalInterface
public interface Connector {
    CompletableFuture<WebSocket> open(String server, WebSocket.Listener listener);

    /** Connects through {@code client} to {@code path}?server=NAME. */
    static Connector labd(LabdClient client, String path) {
        return (server, listener) -> client.webSocket(path + "?server="
                + URLEncoder.encode(server, StandardCharsets.UTF_8), listener);
    }
}
