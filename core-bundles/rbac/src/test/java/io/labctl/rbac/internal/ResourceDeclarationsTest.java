package io.labctl.rbac.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.labctl.api.ApiException;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.web.AnyUser;
import io.labctl.api.web.Requires;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Every route declares who may call it (the web bundle refuses to serve a class that does not). */
class ResourceDeclarationsTest {

    /** METHOD path -> what the route declares. */
    static Map<String, String> routes(Class<?>... types) {
        Map<String, String> out = new TreeMap<>();
        for (Class<?> type : types) {
            String base = type.getAnnotation(Path.class).value();
            for (Method m : type.getMethods()) {
                String verb = m.isAnnotationPresent(GET.class) ? "GET" : m.isAnnotationPresent(POST.class) ? "POST"
                        : m.isAnnotationPresent(PUT.class) ? "PUT" : m.isAnnotationPresent(DELETE.class) ? "DELETE" : null;
                if (verb == null && !m.isAnnotationPresent(Path.class)) {
                    continue;
                }
                Path sub = m.getAnnotation(Path.class);
                Requires requires = m.getAnnotation(Requires.class);
                AnyUser anyUser = m.getAnnotation(AnyUser.class);
                String declared = requires != null && anyUser == null
                        ? "requires " + requires.value().wire() + " " + requires.verb() + (requires.perItem() ? " per item" : "")
                        : anyUser != null && requires == null ? "any user " + anyUser.verb() : "UNDECLARED";
                out.put(verb + " " + base + (sub == null ? "" : "/" + sub.value()), declared);
            }
        }
        return out;
    }

    @Test
    void everyRouteDeclaresItsPermissionAndAuditVerb() {
        Map<String, String> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("GET v1/users", "requires read user.list"),
                Map.entry("POST v1/users", "requires admin user.create"),
                Map.entry("GET v1/users/{name}", "any user user.describe"),
                Map.entry("DELETE v1/users/{name}", "requires admin user.delete"),
                Map.entry("GET v1/roles", "requires read role.list"),
                Map.entry("POST v1/roles", "requires manage role.create per item"),
                Map.entry("DELETE v1/roles/{name}", "requires manage role.delete per item"),
                Map.entry("PUT v1/roles/{role}/users/{user}", "requires manage role.bind per item"),
                Map.entry("DELETE v1/roles/{role}/users/{user}", "requires manage role.unbind per item"),
                Map.entry("GET v1/permissions", "requires read permission.list"),
                Map.entry("POST v1/auth/can-i", "any user auth.can-i"),
                Map.entry("POST v1/auth/renew", "any user auth.renew"),
                Map.entry("GET v1/auth/whoami", "any user auth.whoami")));
        assertEquals(expected, routes(UserResource.class, RoleResource.class, PermissionResource.class, AuthResource.class));
    }

    @Test
    void canIResourcesParseToRequests() {
        AccessDecisions access = (AccessDecisions) Proxy.newProxyInstance(AccessDecisions.class.getClassLoader(),
                new Class<?>[] {AccessDecisions.class}, (p, m, args) -> {
                    if (m.isDefault()) {
                        return java.lang.reflect.InvocationHandler.invokeDefault(p, m, args);
                    }
                    if (m.getName().equals("onServer")) {
                        return Permission.on((Action) args[0], "aws", "lab", (String) args[1]);
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        assertEquals(Permission.parse("exec:aws:lab:web1"), access.resolve(Action.EXEC, "server/web1"));
        assertEquals(Permission.parse("read:*:*:*"), access.resolve(Action.READ, "*"));
        assertEquals(Permission.parse("apply:gcp:prod:*"), access.resolve(Action.APPLY, "gcp:prod:*"));
        for (String bad : new String[] {"", "server/", "server/Bad Name", "gcp:prod", "a:b:c:d", "GCP:prod:*"}) {
            ApiException e = assertThrows(ApiException.class, () -> access.resolve(Action.READ, bad));
            assertEquals(400, e.status(), bad);
        }
    }

    @Test
    void serverUrlIsTheBaseUriWithoutApi() {
        assertEquals("https://labd:8443", UserResource.serverUrl(uri("https://labd:8443/api/")));
        assertEquals("https://labd:8443", UserResource.serverUrl(uri("https://labd:8443/api")));
        assertEquals("https://labd:8443/prefix", UserResource.serverUrl(uri("https://labd:8443/prefix/api/")));
    }

    static jakarta.ws.rs.core.UriInfo uri(String base) {
        return (jakarta.ws.rs.core.UriInfo) Proxy.newProxyInstance(ResourceDeclarationsTest.class.getClassLoader(),
                new Class<?>[] {jakarta.ws.rs.core.UriInfo.class}, (p, m, args) -> {
                    if (m.getName().equals("getBaseUri")) {
                        return java.net.URI.create(base);
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }
}
