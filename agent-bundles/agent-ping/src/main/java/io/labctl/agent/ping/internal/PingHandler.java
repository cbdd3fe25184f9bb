package io.labctl.agent.ping.internal;

import io.labctl.agent.api.StreamChannel;
import io.labctl.agent.api.StreamHandler;
import io.labctl.agent.api.StreamReceiver;
import io.labctl.protocol.Json;
import io.labctl.protocol.PingResult;
import io.labctl.protocol.channel.StreamOpen;
import java.lang.management.ManagementFactory;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** Answers labd's "ping" stream with the agent's version and uptime, then closes it with exit code 0. */
@Component(service = StreamHandler.class, property = StreamHandler.KIND + "=ping")
public class PingHandler implements StreamHandler {
    private final String version;

    @Activate
    public PingHandler(BundleContext context) {
        this(context.getBundle().getVersion().toString());
    }

    PingHandler(String version) {
        this.version = version;
    }

    @Override
    public StreamReceiver open(StreamOpen open, StreamChannel channel) throws Exception {
        byte[] reply = Json.json().writeValueAsBytes(
                new PingResult(null, null, version, ManagementFactory.getRuntimeMXBean().getUptime()));
        channel.write(reply, 0, reply.length);
        channel.close(0);
        return StreamReceiver.IGNORE;
    }
}
