package io.labctl.api.web;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Whiteboard contract for REST routes: a DS component whose class carries JAX-RS annotations registers itself
 * as a service of type {@code Object} with the property {@value #PROPERTY}{@code =true}; labd serves it under
 * {@code /api} while the service exists. Callers reach it only through the web bundle's authentication filter:
 * the verified peer {@link io.labctl.api.Identity} is the request's principal ({@link PeerPrincipal}).
 */
@ProviderType
public final class RestResource {
    public static final String PROPERTY = "io.labctl.rest.resource";
    public static final String FILTER = "(" + PROPERTY + "=true)";

    private RestResource() {}
}
