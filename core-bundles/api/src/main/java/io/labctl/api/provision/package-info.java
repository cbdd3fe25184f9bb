/**
 * Provisioning services beside {@link io.labctl.api.Provisioning}: what the bastions saw and did for booting machines
 * ({@link io.labctl.api.provision.BastionEvents}).
 */
@org.osgi.annotation.versioning.Version("1.0.0")
package io.labctl.api.provision;
