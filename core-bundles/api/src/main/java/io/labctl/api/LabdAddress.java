package io.labctl.api;

import org.osgi.annotation.versioning.ProviderType;

/** Where agents and users reach this labd: its advertised HTTPS address (e.g. for installers enrolling machines). */
@ProviderType
public interface LabdAddress {
    String url();
}
