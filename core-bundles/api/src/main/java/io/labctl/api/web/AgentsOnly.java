package io.labctl.api.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.annotation.versioning.ProviderType;

/** Marks a resource method that only agent certificates may call (certificate renewal); users are refused. */
@ProviderType
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface AgentsOnly {
    /** The audit log's name for what the route does. */
    String verb();
}
