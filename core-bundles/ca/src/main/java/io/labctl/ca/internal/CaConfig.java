package io.labctl.ca.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "labd certificate authority",
        description = "labd's root CA: where its master key lives and how long certificates last")
public @interface CaConfig {
    @AttributeDefinition(description = "File holding the 32-byte master key that seals the CA key in the database. "
            + "Every labd instance sharing a database needs the same file. ${karaf.etc} is resolved from the system property.")
    String masterKeyFile() default "${karaf.etc}/labd-master.key";

    @AttributeDefinition(description = "Validity of the root CA certificate created on first start, in years")
    int caValidityYears() default 10;

    @AttributeDefinition(description = "How often revocations made by other labd instances are read from the database, in seconds")
    int revocationRefreshSeconds() default 5;
}
