package io.labctl.api.web;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A backend that labd passes users' HTTP requests through to: every request under {@code /proxy/NAME/} (NAME being
 * the service's {@link #NAME_PROPERTY}) goes to the route that has that name. labd verifies the caller's certificate
 * first; the route then admits the request ({@link ProxyRequest#admit}, which audits a refusal) and says where it
 * goes. labd streams the request and the answer both ways (watches and follows reach the client as they come),
 * relays WebSocket upgrades message by message, writes one audit row per request when it ends (an upgrade also one
 * when it opens), and ends a request early, as it does a user's exec, once the caller may no longer do what the
 * route admitted.
 */
@ConsumerType
public interface ProxyRoute {
    /** Service property: the route's name, one path segment of letters, digits and '-'. */
    String NAME_PROPERTY = "labctl.proxy.name";

    /**
     * Decides one request: admits it (or throws the refusal {@link ProxyRequest#admit} recorded), describes it for
     * the audit trail and answers where it goes. An {@link io.labctl.api.ApiException} thrown here is the caller's
     * answer, in the route's error form.
     */
    Forward forward(ProxyRequest request);

    /**
     * The body of an error labd answers on this route (refusals, the backend unreachable), in the form the route's
     * clients read, with its media type; null for labd's own JSON error.
     */
    default Error error(int status, String code, String message) {
        return null;
    }

    /** An error body in the route's own form. */
    record Error(String contentType, byte[] body) {}
}
