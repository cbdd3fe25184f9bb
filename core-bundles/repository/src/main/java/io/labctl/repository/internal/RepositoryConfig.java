package io.labctl.repository.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "labd bundle repository",
        description = "Module jars, feature descriptors and artifacts that agents fetch from labd")
public @interface RepositoryConfig {
    @AttributeDefinition(description = "Largest entry accepted, in MiB; a bigger push is refused with 413")
    int maxSizeMiB() default 256;

    @AttributeDefinition(description = "Module jars imported at start when not yet in the repository "
            + "(uploaded by 'labd (built-in)'). ${karaf.home} is resolved from the system property.")
    String builtinDirectory() default "${karaf.home}/modules";
}
