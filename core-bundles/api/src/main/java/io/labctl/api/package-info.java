/** labd's service interfaces and domain types, shared by its capability bundles. */
@org.osgi.annotation.versioning.Version("0.3.0")
package io.labctl.api;
