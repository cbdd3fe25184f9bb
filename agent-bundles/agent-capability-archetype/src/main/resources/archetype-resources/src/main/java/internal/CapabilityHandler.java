package ${package}.internal;

import io.labctl.agent.api.StreamChannel;
import io.labctl.agent.api.StreamHandler;
import io.labctl.agent.api.StreamReceiver;
import io.labctl.protocol.channel.StreamOpen;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Serves labd's "${capability}" streams on this agent: answers with one line naming the host, then closes the
 * stream with exit code 0. labd reaches it through {@code AgentChannels.call(server, "${capability}", ...)}.
 */
@Component(service = StreamHandler.class, property = StreamHandler.KIND + "=${capability}")
public class CapabilityHandler implements StreamHandler {
    private final String host;

    @Activate
    public CapabilityHandler() {
        this(localHostName());
    }

    CapabilityHandler(String host) {
        this.host = host;
    }

    @Override
    public StreamReceiver open(StreamOpen open, StreamChannel channel) throws Exception {
        // the work happens here, on the stream's own thread; long work would start a thread and return
        byte[] reply = ("${capability} answered from " + host).getBytes(StandardCharsets.UTF_8);
        channel.write(reply, 0, reply.length);
        channel.close(0);
        return StreamReceiver.IGNORE;
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "an unnamed host";
        }
    }
}
