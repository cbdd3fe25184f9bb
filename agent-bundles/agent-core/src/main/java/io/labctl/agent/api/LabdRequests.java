package io.labctl.agent.api;

import java.io.IOException;

/**
 * REST calls to labd as this agent, over its mutual-TLS identity, for capabilities that talk to labd outside a
 * stream (a standalone bastion reporting boots, say). Registered by the agent core; calls fail with an
 * IOException until the agent has enrolled.
 */
public interface LabdRequests {

    /** The answer: status and body (labd's JSON, or its error shape). */
    record Response(int status, byte[] body) {}

    /** This agent's server name. */
    String serverName();

    /** POSTs a JSON body (empty for none) to a path of labd's, e.g. {@code /api/v1/provision/bastion/boot}. */
    Response post(String path, byte[] json) throws IOException, InterruptedException;
}
