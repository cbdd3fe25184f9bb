package io.labctl.registry.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "labd server registry")
public @interface RegistryConfig {
    @AttributeDefinition(description = "A server whose agent has not sent a heartbeat for this long is offline")
    int offlineAfterSeconds() default 15;

    @AttributeDefinition(description = "How often last-seen times are written to the database, in one batch")
    int lastSeenFlushSeconds() default 10;

    @AttributeDefinition(description = "Lifetime of agent certificates (e.g. 90d, 12h); agents renew when a third is left")
    String agentCertificateLifetime() default "90d";
}
