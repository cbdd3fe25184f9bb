package io.labctl.kube.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "labd Kubernetes clusters", description = "How labd reaches the API servers of registered clusters")
public @interface KubeConfig {
    @AttributeDefinition(description = "Seconds labd waits for an API server to answer a check (clusters add, list,"
            + " describe) before it calls it unreachable")
    int probeTimeoutSeconds() default 5;

    @AttributeDefinition(description = "How many API servers labd checks at once when it lists clusters")
    int probeParallelism() default 8;
}
