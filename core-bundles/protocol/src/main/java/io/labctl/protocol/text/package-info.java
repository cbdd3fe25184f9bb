/** Plain text for people and scripts: the one table printer the CLI and labd's shell share. */
@org.osgi.annotation.versioning.Version("1.1.0")
package io.labctl.protocol.text;
