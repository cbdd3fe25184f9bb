package io.labctl.web.internal;

import io.labctl.api.web.AgentsOnly;
import io.labctl.api.web.AnyUser;
import io.labctl.api.web.Public;
import io.labctl.api.web.Requires;
import io.labctl.protocol.access.Action;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * What a resource method declares about who may call it: exactly one of {@link Public}, {@link AgentsOnly},
 * {@link AnyUser} or {@link Requires}. A resource class with a route method that declares none (or several) is
 * not served at all, so a handler cannot forget its check.
 */
record Declaration(Kind kind, String verb, Action action, String serverParameter, boolean perItem) {
    enum Kind { PUBLIC, AGENTS, ANY_USER, REQUIRES }

    /** The health check and similar routes: answered without a certificate and without an audit row. */
    boolean audited() {
        return !verb.isEmpty();
    }

    /** The declaration of a route method, or null if it has none or more than one. */
    static Declaration of(Method method) {
        List<Declaration> found = new ArrayList<>(1);
        Public open = method.getAnnotation(Public.class);
        if (open != null) {
            found.add(new Declaration(Kind.PUBLIC, open.verb(), null, "", false));
        }
        AgentsOnly agents = method.getAnnotation(AgentsOnly.class);
        if (agents != null) {
            found.add(new Declaration(Kind.AGENTS, agents.verb(), null, "", false));
        }
        AnyUser anyUser = method.getAnnotation(AnyUser.class);
        if (anyUser != null) {
            found.add(new Declaration(Kind.ANY_USER, anyUser.verb(), null, "", false));
        }
        Requires requires = method.getAnnotation(Requires.class);
        if (requires != null) {
            found.add(new Declaration(Kind.REQUIRES, requires.verb(), requires.value(), requires.server(),
                    requires.perItem()));
        }
        if (found.size() != 1) {
            return null;
        }
        Declaration d = found.get(0);
        // only public routes may go unaudited; a blank verb elsewhere would hide actions from the log
        if (d.kind != Kind.PUBLIC && d.verb.isBlank()) {
            return null;
        }
        return d;
    }

    /**
     * Why a resource must not be served: the route methods that declare no permission (or more than one), or a
     * server parameter that the method's path does not have. Empty when every route method is declared.
     */
    static List<String> problems(Class<?> type) {
        List<String> problems = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || !isRoute(m)) {
                continue;
            }
            Declaration d = of(m);
            if (d == null) {
                problems.add(m.getName() + "(): declares no permission (or more than one of @Public, @AgentsOnly,"
                        + " @AnyUser, @Requires)");
            } else if (!d.serverParameter.isEmpty() && !pathOf(type, m).contains("{" + d.serverParameter + "}")) {
                problems.add(m.getName() + "(): @Requires(server = \"" + d.serverParameter
                        + "\") names no path parameter of " + pathOf(type, m));
            }
        }
        return problems;
    }

    /** A resource method or a sub-resource locator: anything Jersey would route to. */
    private static boolean isRoute(Method m) {
        if (m.isAnnotationPresent(Path.class)) {
            return true;
        }
        for (Annotation a : m.getAnnotations()) {
            if (a.annotationType().isAnnotationPresent(HttpMethod.class)) {
                return true;
            }
        }
        return false;
    }

    private static String pathOf(Class<?> type, Method m) {
        Path typePath = type.getAnnotation(Path.class);
        Path methodPath = m.getAnnotation(Path.class);
        return (typePath == null ? "" : typePath.value()) + "/" + (methodPath == null ? "" : methodPath.value());
    }
}
