package io.labctl.exec.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.labctl.api.AgentChannels;
import io.labctl.api.web.SocketConnection;
import io.labctl.api.web.SocketEndpoint;
import io.labctl.api.web.SocketListener;
import io.labctl.api.web.StreamSession;
import io.labctl.protocol.Json;
import io.labctl.protocol.exec.ExecRequest;
import java.nio.file.Path;
import java.time.Instant;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * {@code /ws/exec?server=NAME}: a user's command on one server. The web bundle has already checked {@code exec} on
 * that server; the opening audit row keeps the whole argument vector (as JSON) and is written before the command
 * starts; the gateway bridges the connection to the agent's exec stream. With
 * recordSessions on, the command's output is also written to a recording, whose id the session's audit row names.
 */
@Component(service = {SocketEndpoint.class, ExecEndpoint.class}, configurationPid = "io.labctl.exec", property = {
        SocketEndpoint.PATH_PROPERTY + "=/exec",
        SocketEndpoint.AUDIENCE_PROPERTY + "=" + SocketEndpoint.USERS,
        SocketEndpoint.ACTION_PROPERTY + "=exec",
        SocketEndpoint.VERB_PROPERTY + "=" + ExecRequest.KIND})
@Designate(ocd = ExecConfig.class)
public class ExecEndpoint implements SocketEndpoint {
    private final AgentChannels channels;
    private final Recordings recordings;
    private final boolean record;

    @Activate
    public ExecEndpoint(@Reference AgentChannels channels, ExecConfig config) {
        this.channels = channels;
        this.record = config.recordSessions();
        if (config.maxRecordingMegabytes() < 1 || config.maxRecordingMegabytes() > 1024) {
            throw new IllegalArgumentException("maxRecordingMegabytes must be between 1 and 1024");
        }
        String dir = config.recordingDirectory().isBlank()
                ? System.getProperty("karaf.data", "data") + "/recordings" : config.recordingDirectory();
        this.recordings = new Recordings(Path.of(dir), config.maxRecordingMegabytes() * 1024L * 1024L);
    }

    Recordings recordings() {
        return recordings;
    }

    @Override
    public SocketListener open(StreamSession session, SocketConnection connection) {
        RecordingConnection recorded = record ? new RecordingConnection(connection) : null;
        return channels.bridge(session, recorded == null ? connection : recorded, ExecRequest.KIND, params -> {
            ExecRequest request = ExecRequest.fromParams(params);
            String description = String.join(" ", request.command()) + (request.tty() ? " (tty)" : "");
            if (recorded != null) {
                SessionRecorder recorder = recordings.start(session.server(), session.caller().identity().name(),
                        request, Instant.now());
                recorded.recordTo(recorder);
                description += " [recording " + recorder.id() + "]";
            }
            return new AgentChannels.Checked(request.toParams(), description, argv(request));
        });
    }

    /** The argument vector as a JSON array: each argument apart, exactly as the agent runs it. */
    static String argv(ExecRequest request) {
        try {
            return Json.json().writeValueAsString(request.command());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings is always JSON", e);
        }
    }
}
