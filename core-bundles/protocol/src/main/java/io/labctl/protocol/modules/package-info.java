/** Configuration modules: descriptors, the agent's reports, assignments and runs as labd, the CLI and agents see them. */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.labctl.protocol.modules;
