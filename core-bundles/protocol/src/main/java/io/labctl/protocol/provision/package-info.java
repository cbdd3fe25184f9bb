/** PXE provisioning on the wire: machines the bastions saw, plans, and what an installer is given. */
@org.osgi.annotation.versioning.Version("0.2.0")
package io.labctl.protocol.provision;
