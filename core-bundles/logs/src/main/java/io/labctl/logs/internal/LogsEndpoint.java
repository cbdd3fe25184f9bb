package io.labctl.logs.internal;

import io.labctl.api.AgentChannels;
import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.web.SocketConnection;
import io.labctl.api.web.SocketEndpoint;
import io.labctl.api.web.SocketListener;
import io.labctl.api.web.StreamSession;
import io.labctl.protocol.logs.LogsRequest;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code /ws/logs?server=NAME}: a server's journal, one of its log files, or its agent's own log, once or followed.
 * The web bundle has checked {@code read} on that server and audited the opening; labd then sets the path globs
 * the caller's roles allow (the agent matches them on the path with its links resolved) and the gateway bridges
 * the stream.
 */
@Component(service = SocketEndpoint.class, property = {
        SocketEndpoint.PATH_PROPERTY + "=/logs",
        SocketEndpoint.AUDIENCE_PROPERTY + "=" + SocketEndpoint.USERS,
        SocketEndpoint.ACTION_PROPERTY + "=read",
        SocketEndpoint.VERB_PROPERTY + "=" + LogsRequest.KIND})
public class LogsEndpoint implements SocketEndpoint {
    private final AgentChannels channels;
    private final AccessDecisions access;

    @Activate
    public LogsEndpoint(@Reference AgentChannels channels, @Reference AccessDecisions access) {
        this.channels = channels;
        this.access = access;
    }

    @Override
    public SocketListener open(StreamSession session, SocketConnection connection) {
        return channels.bridge(session, connection, LogsRequest.KIND, params -> {
            // whatever the client sent as allow is replaced: the allow-list is what the caller's roles give
            Identity caller = session.caller().identity();
            List<String> allow = access.logPathsOf(caller);
            LogsRequest request = LogsRequest.fromParams(params).withAllow(allow);
            if (LogsRequest.FILE.equals(request.source())) {
                // the agent matched the file against these globs (links resolved): once any of them is gone, the
                // stream is no longer known to be allowed
                session.whileAllowed(() -> access.logPathsOf(caller).containsAll(allow) ? null
                        : caller.name() + "'s roles no longer give all of the log paths " + allow + " that admitted it");
            }
            return new AgentChannels.Checked(request.toParams(), describe(request));
        });
    }

    static String describe(LogsRequest r) {
        StringBuilder b = new StringBuilder(r.source());
        if (r.path() != null) {
            b.append(' ').append(r.path());
        }
        if (r.unit() != null) {
            b.append(" -u ").append(r.unit());
        }
        if (r.priority() != null) {
            b.append(" -p ").append(r.priority());
        }
        if (r.kernel()) {
            b.append(" -k");
        }
        if (r.since() != null) {
            b.append(" --since ").append(r.since());
        }
        if (r.lines() != null) {
            b.append(" -n ").append(r.lines());
        }
        if (r.follow()) {
            b.append(" -f");
        }
        return b.toString();
    }
}
