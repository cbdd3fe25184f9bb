/** The exec stream: what the CLI, labd and the agent agree on for remote commands. */
@org.osgi.annotation.versioning.Version("0.2.0")
package io.labctl.protocol.exec;
