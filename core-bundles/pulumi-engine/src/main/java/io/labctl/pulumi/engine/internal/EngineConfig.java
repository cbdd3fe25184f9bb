package io.labctl.pulumi.engine.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** etc/io.labctl.pulumi.engine.cfg */
@ObjectClassDefinition(id = "io.labctl.pulumi.engine", name = "labctl Pulumi engine",
        description = "The pulumi binary on labd's host that runs previews, updates and destroys")
public @interface EngineConfig {
    @AttributeDefinition(description = "The pulumi binary: a path, or a name looked up on labd's PATH")
    String pulumiBinary() default "pulumi";

    @AttributeDefinition(description = "PULUMI_HOME for the engine (its plugins and workspace files); "
            + "default ${karaf.data}/pulumi/home")
    String pulumiHome() default "";

    @AttributeDefinition(description = "Seconds a cancelled run has to stop after SIGINT before it is killed")
    int cancelGraceSeconds() default 30;
}
