/** The logs stream: what the CLI, labd and the agent agree on for journal and file logs. */
@org.osgi.annotation.versioning.Version("0.2.0")
package io.labctl.protocol.logs;
