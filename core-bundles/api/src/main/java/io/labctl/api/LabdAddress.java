package io.labctl.api;

/** Where agents and users reach this labd: its advertised HTTPS address (e.g. for installers enrolling machines). */
public interface LabdAddress {
    String url();
}
