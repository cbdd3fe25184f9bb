/** Configuration modules on the wire: descriptors, repository entries, run reports. */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.labctl.protocol.modules;
