/** labd's bundle repository: modules, features and artifacts with their SHA-256. */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.labctl.api.repository;
