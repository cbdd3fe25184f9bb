/**
 * labd's service interfaces and domain types, shared by its capability bundles. Access control and the audit log
 * have packages of their own: {@code io.labctl.api.access}, {@code io.labctl.api.audit}.
 */
@org.osgi.annotation.versioning.Version("1.2.0")
package io.labctl.api;
