package io.labctl.agent.core.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** etc/io.labctl.agent.cfg. LABCTL_SERVER, LABCTL_TOKEN and LABCTL_NAME in the environment override it. */
@ObjectClassDefinition(id = "io.labctl.agent", name = "labctl agent", description = "How this agent reaches labd and who it is")
public @interface AgentConfig {
    @AttributeDefinition(description = "labd's HTTPS address, e.g. https://labd.example:8443")
    String serverUrl() default "";

    @AttributeDefinition(type = AttributeType.PASSWORD, description = "Join token (only used to enrol)")
    String token() default "";

    @AttributeDefinition(description = "File holding the join token, instead of token")
    String tokenFile() default "";

    @AttributeDefinition(description = "Server name to enrol as; default: the host name, lower-cased")
    String name() default "";

    @AttributeDefinition(description = "Where the agent keeps its key and certificates")
    String identityDir() default "${karaf.home}/identity";

    @AttributeDefinition(description = "Seconds between heartbeats")
    int heartbeatSeconds() default 5;

    @AttributeDefinition(description = "Shortest wait before reconnecting, in milliseconds")
    long reconnectMinMillis() default 1000;

    @AttributeDefinition(description = "Longest wait before reconnecting, in milliseconds")
    long reconnectMaxMillis() default 60000;
}
