package io.labctl.pulumi.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "labd Pulumi runs", description = "Where stacks live and how many runs labd drives at once")
public @interface PulumiConfig {
    @AttributeDefinition(description = "Where the engine keeps stack state, shared by every labd instance: a file:// "
            + "folder (default ${karaf.data}/pulumi/state), or an object store the engine supports (s3://, gs://, "
            + "azblob://). Never Pulumi Cloud.", required = false)
    String backendUrl() default "";

    @AttributeDefinition(description = "Where each stack's program is written for a run; default "
            + "${karaf.data}/pulumi/stacks", required = false)
    String workDirectory() default "";

    @AttributeDefinition(description = "Runs labd drives at the same time; more wait for a free runner")
    int maxConcurrentRuns() default 4;

    @AttributeDefinition(description = "Lines of engine output kept per run; beyond, the count of lines dropped")
    int maxLinesPerRun() default 100_000;
}
