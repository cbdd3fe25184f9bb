/** Access control on the wire: permissions, roles, users, access reviews and audit entries. */
@org.osgi.annotation.versioning.Version("0.3.0")
package io.labctl.protocol.access;
