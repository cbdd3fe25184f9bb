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

    @AttributeDefinition(description = "Most machines kept as discovered (without a plan): a provisioning network cannot"
            + " fill the database with made-up MACs; beyond it new MACs are refused until some are forgotten")
    int maxDiscovered() default 10000;

    @AttributeDefinition(description = "labd's HTTPS address given to installers; default: the web server's advertised address")
    String labdUrl() default "";
}
