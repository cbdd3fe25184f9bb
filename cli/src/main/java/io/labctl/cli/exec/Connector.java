package io.labctl.cli.exec;

import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;

/**
 * Opens the exec WebSocket for one server. The future fails with a {@link io.labctl.cli.CliException} saying what
 * went wrong (a {@link io.labctl.cli.http.LabdRefusal} when labd refused the upgrade).
 */
@FunctionalInterface
public interface Connector {
    /** The path and query of labd's exec endpoint. */
    String PATH = "/ws/exec";

    CompletableFuture<WebSocket> open(String server, WebSocket.Listener listener);
}
