package io.labctl.agent.api;

import java.io.IOException;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * REST calls to labd as this agent, over its mutual-TLS identity, for capabilities that talk to labd outside a
 * stream (a standalone bastion reporting boots, a module fetched from labd's repository). Registered by the agent
 * core; calls fail with an IOException until the agent has enrolled.
 */
@ProviderType
public interface LabdRequests {

    /** The answer: status and body (labd's JSON, or its error shape). */
    record Response(int status, byte[] body) {}

    /**
     * The answer to a {@link #download}: on a 2xx status, {@code file} holds the body and {@code sha256Header} is
     * labd's {@code X-Labctl-Sha256} header (null if it sent none; the caller checks the bytes itself); on any
     * other status {@code file} is null and {@code error} is labd's error message.
     */
    record Download(int status, Path file, String sha256Header, String error) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    /** The header in which labd's repository names the SHA-256 (hex) of the content it sends. */
    String SHA256_HEADER = "X-Labctl-Sha256";

    /** This agent's server name. */
    String serverName();

    /** POSTs a JSON body (empty for none) to a path of labd's, e.g. {@code /api/v1/provision/bastion/boot}. */
    Response post(String path, byte[] json) throws IOException, InterruptedException;

    /**
     * GETs a path of labd's and streams the body into {@code target} (replaced if it exists), never keeping more
     * than {@code maxBytes} of it: a longer body (announced or actual) fails with an IOException and leaves no
     * target behind. A transfer that has not finished within {@link #DOWNLOAD_TIMEOUT_SECONDS} fails the same way.
     */
    Download download(String path, Path target, long maxBytes) throws IOException, InterruptedException;

    /** How long a {@link #download} may take in all before it is abandoned. */
    long DOWNLOAD_TIMEOUT_SECONDS = 600;
}
