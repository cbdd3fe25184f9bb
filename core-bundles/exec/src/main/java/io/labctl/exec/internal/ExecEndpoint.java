package io.labctl.exec.internal;

import io.labctl.api.AgentChannels;
import io.labctl.api.web.SocketConnection;
import io.labctl.api.web.SocketEndpoint;
import io.labctl.api.web.SocketListener;
import io.labctl.api.web.StreamSession;
import io.labctl.protocol.exec.ExecRequest;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code /ws/exec?server=NAME}: a user's command on one server. The web bundle has already checked {@code exec} on
 * that server and audited the opening; the gateway bridges the connection to the agent's exec stream.
 */
@Component(service = SocketEndpoint.class, property = {
        SocketEndpoint.PATH_PROPERTY + "=/exec",
        SocketEndpoint.AUDIENCE_PROPERTY + "=" + SocketEndpoint.USERS,
        SocketEndpoint.ACTION_PROPERTY + "=exec",
        SocketEndpoint.VERB_PROPERTY + "=" + ExecRequest.KIND})
public class ExecEndpoint implements SocketEndpoint {
    private final AgentChannels channels;

    @Activate
    public ExecEndpoint(@Reference AgentChannels channels) {
        this.channels = channels;
    }

    @Override
    public SocketListener open(StreamSession session, SocketConnection connection) {
        return channels.bridge(session, connection, ExecRequest.KIND, params -> {
            ExecRequest request = ExecRequest.fromParams(params);
            return new AgentChannels.Checked(request.toParams(),
                    String.join(" ", request.command()) + (request.tty() ? " (tty)" : ""));
        });
    }
}
