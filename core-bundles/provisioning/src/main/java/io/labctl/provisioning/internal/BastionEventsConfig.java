package io.labctl.provisioning.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** etc/io.labctl.provisioning.events.cfg: how much of what the bastions saw labd keeps. */
@ObjectClassDefinition(id = "io.labctl.provisioning.events", name = "labctl bastion events",
        description = "What the bastions saw and did for booting machines (labctl logs bastion/ENV)")
public @interface BastionEventsConfig {
    @AttributeDefinition(description = "Most events kept, over all environments; the oldest go first")
    int maxRows() default 200_000;

    @AttributeDefinition(description = "Days an event is kept")
    int maxAgeDays() default 14;

    @AttributeDefinition(description = "Milliseconds between two looks for new events while a client follows")
    int followPollMillis() default 1000;
}
