package io.labctl.bastion.boot;

import io.labctl.protocol.provision.InstallerGrant;

/** Renders the per-host installer files from a grant: the plan, what the machine reported, a fresh join token. */
public interface InstallerFiles {

    String preseed(InstallerGrant grant);

    String kickstart(InstallerGrant grant);

    /** The post-install script that installs lab-agent with the grant's join token. */
    String agentInstaller(InstallerGrant grant);

    /** A reprovision's partman/early_command script (reuses the volume group; contains no secret). */
    String reprovisionEarlyScript(InstallerGrant grant);

    /** A file could not be rendered (no usable disk, say): the message says why and what to do. */
    final class RenderException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public RenderException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
