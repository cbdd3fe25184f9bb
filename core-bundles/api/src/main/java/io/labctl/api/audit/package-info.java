/**
 * labd's tamper-evident audit log: the {@link io.labctl.api.audit.AuditWriter} every capability records with, its
 * {@link io.labctl.api.audit.AuditReader} and its {@link io.labctl.api.audit.AuditVerifier}.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
package io.labctl.api.audit;
