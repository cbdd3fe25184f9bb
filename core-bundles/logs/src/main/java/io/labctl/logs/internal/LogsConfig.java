package io.labctl.logs.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "labd log streaming", description = "What labctl logs --file may read on servers")
public @interface LogsConfig {
    @AttributeDefinition(description = "Path globs a caller with read on a server may follow with --file; the agent "
            + "matches the path with its links resolved, so a link cannot lead out of them")
    String[] fileAllowList() default {"/var/log/**"};
}
