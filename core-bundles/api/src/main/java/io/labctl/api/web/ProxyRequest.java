package io.labctl.api.web;

import io.labctl.protocol.access.Permission;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/** One request to a {@link ProxyRoute}, as labd received it from a verified caller. */
@ProviderType
public interface ProxyRequest {

    Caller caller();

    /** The HTTP method, upper case. */
    String method();

    /** The path below {@code /proxy/NAME}, as sent (still percent-encoded), starting with '/'. */
    String path();

    /** The query as sent (percent-encoded), or null when there is none. */
    String query();

    /** The values of a request header (any case), empty when absent. */
    List<String> header(String name);

    /** Names of the headers the request carries. */
    List<String> headerNames();

    /** Whether the request asks for a WebSocket upgrade. */
    boolean upgrade();

    /**
     * What the audit rows of this request say: the action (e.g. {@code kubectl.get}), the resource and attributes
     * shown in the row's detail (labd adds the backend's status and the duration). Call it before {@link #admit},
     * so that a refusal is recorded with them.
     */
    void describe(String action, String resource, Map<String, String> attributes);

    /**
     * Admits the caller for one permission through labd's gate, or records the refusal (with what {@link #describe}
     * said) and throws it. Every permission admitted is held: the request ends once the caller loses one.
     */
    void admit(Permission permission);

    /**
     * Records a refusal the route decides on its own (a header it does not take, say) as a denied row, with what
     * {@link #describe} said, and returns the 403 to throw; if the row cannot be written, the 503 that says so.
     */
    io.labctl.api.ApiException deny(String code, String message);
}
