package io.labctl.system.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/io.labctl.system.cfg}. */
@ObjectClassDefinition(name = "labd system changes")
public @interface SystemConfig {
    /**
     * labctl sees progress (and keep-alives) while it waits, so the bound may exceed the web's idle timeout for it; a
     * client that asks for one JSON answer (curl) hears nothing until the end, so beyond about 25 s its connection
     * may be cut by the idle timeout while labd goes on (the audit log has the outcome).
     */
    @AttributeDefinition(description = "How long a new version has to become healthy before the old one is put back"
            + " (5 to 600 s)")
    int healthSeconds() default 20;
}
