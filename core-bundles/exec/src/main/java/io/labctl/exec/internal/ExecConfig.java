package io.labctl.exec.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** etc/io.labctl.exec.cfg */
@ObjectClassDefinition(id = "io.labctl.exec", name = "labctl exec", description = "Users' remote commands")
public @interface ExecConfig {
    @AttributeDefinition(description = "Record each exec session's output (stdout and stderr) as an asciinema v2 file."
            + " Off by default: output can hold secrets; recordings are files readable by labd's user only, and"
            + " reading them through labd needs admin")
    boolean recordSessions() default false;

    @AttributeDefinition(description = "Where recordings go; default ${karaf.data}/recordings")
    String recordingDirectory() default "";

    @AttributeDefinition(description = "Output kept per session, in MiB; the rest is cut (and the recording says so)")
    int maxRecordingMegabytes() default 8;
}
