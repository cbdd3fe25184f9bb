package io.labctl.agent.logs.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** etc/io.labctl.agent.logs.cfg: where the journal is read from. Changes apply to streams opened afterwards. */
@ObjectClassDefinition(id = LogsHandler.PID, name = "labctl agent logs",
        description = "How this agent reads the journal for \"logs\" streams")
public @interface LogsConfig {
    @AttributeDefinition(description = "A directory of journal files to read instead of the system journal "
            + "(journalctl -D); empty: the system journal")
    String journalDirectory() default "";

    @AttributeDefinition(description = "The journalctl program: a name looked up on PATH, or an absolute path")
    String journalctl() default "journalctl";
}
