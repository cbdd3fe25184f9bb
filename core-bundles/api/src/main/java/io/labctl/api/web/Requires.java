package io.labctl.api.web;

import io.labctl.protocol.access.Action;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The permission a resource method needs, checked by the web bundle's enforcement point before the method runs.
 * Every resource method carries this, {@link AnyUser}, {@link AgentsOnly} or {@link Public}: a resource with an
 * undeclared method is not served.
 *
 * <ul>
 *   <li>{@link #server} names the path parameter that holds a server name: the scope is that server's cloud and
 *       environment from its record.</li>
 *   <li>Otherwise, with {@link #perItem} false, the action must be allowed everywhere ({@code action:*:*:*}).</li>
 *   <li>With {@link #perItem} true the gate lets through callers that hold the action somewhere; the method checks
 *       (or filters) each item through {@link Caller}.</li>
 * </ul>
 */
@ProviderType
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Requires {
    Action value();

    /** The audit log's name for what the method does, e.g. {@code server.delete}. */
    String verb();

    String server() default "";

    boolean perItem() default false;
}
