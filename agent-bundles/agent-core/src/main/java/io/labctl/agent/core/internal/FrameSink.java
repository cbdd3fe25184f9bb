package io.labctl.agent.core.internal;

import io.labctl.protocol.channel.Frame;
import java.util.concurrent.CompletableFuture;

/** Where frames for labd go: the live WebSocket, or a list in a test. Frames leave in the order they are given. */
interface FrameSink {
    CompletableFuture<Void> send(Frame frame);
}
