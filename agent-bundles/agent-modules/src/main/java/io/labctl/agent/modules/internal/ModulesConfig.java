package io.labctl.agent.modules.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the agent's module runs (pid {@code io.labctl.agent.modules}; every key has a default). */
@ObjectClassDefinition(name = "labctl agent modules", description = "Configuration modules on this agent")
public @interface ModulesConfig {
    @AttributeDefinition(description = "Where verified module jars are cached; empty: ${karaf.data}/labctl/modules")
    String cacheDirectory() default "";

    @AttributeDefinition(description = "Largest module jar fetched from labd's repository, in bytes")
    long moduleMaxBytes() default 64L * 1024 * 1024;

    @AttributeDefinition(description = "Largest artifact (e.g. a k3s binary) fetched from labd's repository, in bytes")
    long artifactMaxBytes() default 256L * 1024 * 1024;

    @AttributeDefinition(description = "How long a started module bundle has to register its ConfigurationModule")
    int serviceWaitSeconds() default 30;

    @AttributeDefinition(description = "How long a module run waits for the one before it to finish")
    int queueWaitSeconds() default 600;
}
