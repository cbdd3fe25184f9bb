package io.labctl.bastion.boot;

import io.labctl.protocol.provision.BastionEvent;
import io.labctl.protocol.provision.InstallerGrant;
import io.labctl.protocol.provision.MachineInfo;
import java.util.Map;

/**
 * How a bastion reaches labd's provisioning state: in labd through the Provisioning service, standalone over
 * mutual TLS. Failures throw {@link LinkException} with a message fit for a booting machine's console.
 */
public interface ProvisioningLink {

    MachineInfo booted(String mac, Map<String, String> facts);

    InstallerGrant installer(String mac);

    MachineInfo installed(String mac);

    /** Reports what the bastion saw and did since its last report ('labctl logs bastion/ENV'). */
    void events(BastionEvent.Batch batch);

    /** Why labd could not answer: unreachable (plans need labd), or it refused (the message says why). */
    final class LinkException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean unreachable;

        public LinkException(String message, boolean unreachable, Throwable cause) {
            super(message, cause);
            this.unreachable = unreachable;
        }

        public boolean unreachable() {
            return unreachable;
        }
    }
}
