/** labd's database: one pooled DataSource, schema migrations, and MyBatis sessions that join a shared transaction. */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.labctl.persistence;
