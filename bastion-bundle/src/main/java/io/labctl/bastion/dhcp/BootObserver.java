package io.labctl.bastion.dhcp;

/** Told about every valid client request so the bastion can record machine discovery. */
@FunctionalInterface
public interface BootObserver {
    void seen(String mac, int arch, boolean ipxe, String vendorClass, DhcpMessage request);

    /** What the server answered a request (null: it stayed silent), for the bastion's event log. */
    default void answered(DhcpMessage request, DhcpMessage reply) {
    }

    BootObserver NONE = (mac, arch, ipxe, vendorClass, request) -> { };
}
