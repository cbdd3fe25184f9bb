package io.labctl.module.engine.internal;

import java.io.IOException;

import io.labctl.module.Resource;

/**
 * Compares one resource type with the machine. A plan only calls {@link #plan}; an apply runs the returned change's
 * action, so what is applied is exactly what was planned.
 */
public interface Provider<R extends Resource> {
    /** The resource class this provider handles. */
    Class<R> type();

    /**
     * What it takes to bring the resource into its desired state, or null when it is in that state already.
     *
     * @throws IOException when the state cannot be read (the resource fails with the message as its reason)
     */
    Change plan(R resource, RunContext run) throws IOException;
}
