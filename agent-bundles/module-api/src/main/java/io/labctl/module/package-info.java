/**
 * The module API: a configuration module declares the desired state of a server as typed {@link
 * io.labctl.module.Resource resources}; lab-agent's engine computes the difference with the machine and applies it.
 * Module bundles import this package with the range {@code [1.0,2)}.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
package io.labctl.module;
