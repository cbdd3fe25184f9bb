package io.labctl.api.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.annotation.versioning.ProviderType;

/** A self-service route any user certificate may call (whoami, can-i about oneself); still audited. */
@ProviderType
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AnyUser {
    /** The audit log's name for what the method does. */
    String verb();
}
