package io.labctl.modules.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "labd configuration modules")
public @interface ModulesConfig {
    @AttributeDefinition(description = "Every assigned module is re-planned (no change made) on each managed server this often")
    int checkMinutes() default 30;

    @AttributeDefinition(description = "How often labd looks for servers that newly match an assignment, and for checks due")
    int scanSeconds() default 30;

    @AttributeDefinition(description = "At most this many servers run a module at once, whatever the batch")
    int parallelism() default 16;

    @AttributeDefinition(description = "A module run on one server that takes longer fails with agent-timeout")
    int runTimeoutSeconds() default 600;
}
