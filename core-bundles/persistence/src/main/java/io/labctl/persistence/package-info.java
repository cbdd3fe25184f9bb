/**
 * labd's database: one pooled DataSource, MyBatis sessions that join a shared transaction, and each capability's
 * own schema ({@link io.labctl.persistence.Schema}), migrated from its bundle.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package io.labctl.persistence;
