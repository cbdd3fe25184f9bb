/**
 * What a stream handler bundle needs to serve one kind of stream (exec, logs, module apply, ...) on the agent's
 * one connection to labd. Register a {@link io.labctl.agent.api.StreamHandler} service with the property
 * {@value io.labctl.agent.api.StreamHandler#KIND}; the agent core dispatches OPEN frames of that kind to it.
 */
@org.osgi.annotation.versioning.Version("0.4.0")
package io.labctl.agent.api;
