/**
 * Configuration modules on the wire: what an agent reports about a module run, the module descriptor, the repository's
 * entries and the modules capability's REST payloads.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package io.labctl.protocol.modules;
