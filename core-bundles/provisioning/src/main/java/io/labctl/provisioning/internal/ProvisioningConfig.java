package io.labctl.provisioning.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** etc/io.labctl.provisioning.cfg */
@ObjectClassDefinition(id = "io.labctl.provisioning", name = "labctl provisioning",
        description = "Plans and installer tokens for machines provisioned over PXE")
public @interface ProvisioningConfig {
    @AttributeDefinition(description = "Minutes an installer's one-time join token stays valid")
    int installerTokenMinutes() default 120;

    @AttributeDefinition(description = "Environment of machines planned before any bastion saw them boot")
    String defaultEnvironment() default "lab";

    @AttributeDefinition(description = "labd's HTTPS address given to installers; default: the web server's advertised address")
    String labdUrl() default "";
}
