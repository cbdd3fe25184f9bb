package io.labctl.rbac.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "labd access control", description = "Roles, users and access decisions")
public @interface RbacConfig {
    @AttributeDefinition(description = "Seconds between checks for changes made by other labd instances (at least 1)")
    int pollSeconds() default 2;

    @AttributeDefinition(description = "Lifetime in days of the certificate a new user gets when none is asked for "
            + "(1 to 366)")
    int userCertificateDays() default 90;

    @AttributeDefinition(description = "Path globs that roles without log paths of their own let their users follow "
            + "with labctl logs --file")
    String[] defaultLogPaths() default {"/var/log/**"};
}
