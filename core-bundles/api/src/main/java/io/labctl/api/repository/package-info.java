/**
 * labd's bundle repository: module jars, feature descriptors and plain artifacts, each NAME/VERSION with the SHA-256
 * labd computed while receiving it, stored in the database so that every labd instance serves the same bytes.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.labctl.api.repository;
