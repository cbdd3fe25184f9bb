package io.labctl.api.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Marks a resource method that answers without a client certificate. Only enrolment and the health check carry
 * it; everything else is refused with 401 before it runs.
 */
@ProviderType
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Public {
    /** The audit log's name for what the route does; empty for routes not worth a row (the health check). */
    String verb() default "";
}
