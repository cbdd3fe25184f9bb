package io.labctl.bastion.dhcp;

/** Told about every valid client request so the bastion can record machine discovery. */
@FunctionalInterface
public interface BootObserver {
    void seen(String mac, int arch, boolean ipxe, String vendorClass, DhcpMessage request);

    BootObserver NONE = (mac, arch, ipxe, vendorClass, request) -> { };
}
