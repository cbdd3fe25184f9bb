package io.labctl.modules.internal;

import io.labctl.api.AgentChannels;
import io.labctl.api.ApiException;
import io.labctl.protocol.Json;
import io.labctl.protocol.modules.ModuleReport;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * One module run on one agent through its {@code module} stream: the OPEN parameters (with the secret inputs in
 * clear: they only ever travel on the agent's connection) and the one JSON report the agent writes back.
 */
class AgentRuns {
    static final String KIND = "module";
    static final int MAX_REPORT_BYTES = 4 * 1024 * 1024;
    /** How a run whose agent's connection ended before its report begins its reason. */
    static final String DISCONNECTED = "agent disconnected during the run: ";

    /** What labd asks the agent to do. inputs: typed, validated and defaulted, secrets opened. */
    record Request(String server, String action, String module, String version, String sha256, String runId,
                   Map<String, Object> inputs, Set<String> secrets) {

        Map<String, Object> params() {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("action", action);
            p.put("module", module);
            p.put("version", version);
            p.put("sha256", sha256);
            p.put("runId", runId);
            p.put("inputs", inputs);
            p.put("secrets", new ArrayList<>(secrets));
            return p;
        }

        @Override
        public String toString() { // never the inputs: they may hold secrets
            return action + " " + module + "@" + version + " on " + server + " (run " + runId + ")";
        }
    }

    private final AgentChannels channels;
    private final Duration timeout;

    AgentRuns(AgentChannels channels, Duration timeout) {
        this.channels = channels;
        this.timeout = timeout;
    }

    /** The run's outcome; never throws. */
    Outcome run(Request request) {
        AgentChannels.Reply reply;
        try {
            reply = channels.call(request.server(), KIND, request.params(), MAX_REPORT_BYTES, timeout).get();
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof ApiException api) {
                if ("agent-disconnected".equals(api.code())) {
                    return Outcome.error(request.server(), request.runId(), DISCONNECTED + api.getMessage());
                }
                return api.status() == 503 && "server-offline".equals(api.code())
                        ? Outcome.unreachable(request.server(), "not connected to this labd (offline, or its agent is "
                        + "connected to another labd instance, which converges it)")
                        : Outcome.error(request.server(), request.runId(), api.code() + ": " + api.getMessage());
            }
            return Outcome.error(request.server(), request.runId(), "the run failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.error(request.server(), request.runId(), "interrupted: labd is stopping");
        }
        try {
            return Outcome.of(request.server(), request.runId(), Json.json().readValue(reply.output(), ModuleReport.class));
        } catch (IOException e) {
            return Outcome.error(request.server(), request.runId(), "the agent answered with something that is not a "
                    + "module report (exit code " + reply.exitCode() + ")");
        }
    }
}
