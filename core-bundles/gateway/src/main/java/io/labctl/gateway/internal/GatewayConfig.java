package io.labctl.gateway.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "labd agent gateway")
public @interface GatewayConfig {
    @AttributeDefinition(description = "How often live agent connections are checked against revoked certificates, in milliseconds")
    long revocationCheckMillis() default 1000;

    @AttributeDefinition(description = "An agent must say hello within this many seconds of connecting")
    int helloTimeoutSeconds() default 10;

    @AttributeDefinition(description = "A second connection of an agent that is already connected is refused if the"
            + " live connection answers a WebSocket ping within this many milliseconds, and replaces it otherwise")
    long duplicateProbeMillis() default 1000;

    @AttributeDefinition(description = "How long a stream an agent handed over (a logs follow during a live upgrade or"
            + " a restart of the agent) waits for the agent to take it back, in seconds, before it fails")
    int resumeWaitSeconds() default 30;
}
