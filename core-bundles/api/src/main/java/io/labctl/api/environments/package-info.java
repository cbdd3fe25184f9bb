/**
 * Environments and clouds as records: the {@link io.labctl.api.environments.Environments} service that capabilities
 * ask whether an environment exists (and under which cloud) before they accept a token, a cluster or a bastion in it,
 * and the {@link io.labctl.api.environments.EnvironmentContents} whiteboard through which each capability says what
 * of its own is in an environment (for {@code describe} and for refusing to delete a non-empty one).
 */
@org.osgi.annotation.versioning.Version("1.0.0")
package io.labctl.api.environments;
