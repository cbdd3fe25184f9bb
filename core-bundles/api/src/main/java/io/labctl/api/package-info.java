/** labd's service interfaces and domain types, shared by its capability bundles. */
@org.osgi.annotation.versioning.Version("0.2.0")
package io.labctl.api;
