package io.labctl.web.internal;

import io.labctl.api.ApiException;
import io.labctl.protocol.access.AuditEntry;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import org.glassfish.jersey.server.model.Invocable;
import org.glassfish.jersey.server.spi.internal.ResourceMethodInvocationHandlerProvider;

/**
 * Wraps every resource method so that its audit row is written with its outcome: a state change and its row in one
 * database transaction (if the row cannot be written, the change is undone); a read's row after it ran, before the
 * response goes out. If the row cannot be written the caller gets 503, never the result.
 */
final class AuditedInvocation implements ResourceMethodInvocationHandlerProvider {
    @Override
    public InvocationHandler create(Invocable method) {
        return (resource, javaMethod, args) -> {
            EnforcementPoint.InFlight inFlight = EnforcementPoint.take();
            if (inFlight == null) {
                return javaMethod.invoke(resource, args); // unaudited public route (health)
            }
            if (inFlight.changesState()) {
                try {
                    return inFlight.audit().change(inFlight.event(), () -> {
                        try {
                            return javaMethod.invoke(resource, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause() instanceof Exception cause ? cause : e;
                        }
                    });
                } catch (InvocationTargetException e) {
                    throw e;
                } catch (Exception e) {
                    throw new InvocationTargetException(e); // Jersey maps the handler's own exception as usual
                }
            }
            long started = System.nanoTime();
            Object result;
            try {
                result = javaMethod.invoke(resource, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                String outcome = cause instanceof ApiException api && (api.status() == 401 || api.status() == 403)
                        ? AuditEntry.DENIED : AuditEntry.FAILED;
                String error = cause instanceof ApiException ? cause.getMessage() : cause.getClass().getName();
                record(inFlight, outcome, started, error);
                throw e;
            }
            record(inFlight, AuditEntry.OK, started, null);
            return result;
        };
    }

    private static void record(EnforcementPoint.InFlight inFlight, String result, long started, String error)
            throws InvocationTargetException {
        try {
            inFlight.audit().record(inFlight.event(), result, (System.nanoTime() - started) / 1_000_000, error);
        } catch (ApiException e) {
            throw new InvocationTargetException(e);
        } catch (RuntimeException e) {
            throw new InvocationTargetException(ApiException.unavailable("audit-unavailable",
                    "the audit log cannot be written; labd refuses actions it cannot record"));
        }
    }
}
