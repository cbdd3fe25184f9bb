/**
 * Access control for labd's capabilities: the {@link io.labctl.api.access.Gate} every front end passes, the
 * {@link io.labctl.api.access.AccessDecisions} services use for per-item checks, and the
 * {@link io.labctl.api.access.AccessAdministration} of users, roles and bindings.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
package io.labctl.api.access;
