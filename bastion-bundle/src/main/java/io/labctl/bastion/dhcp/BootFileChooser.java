package io.labctl.bastion.dhcp;

import java.net.Inet4Address;

/** Picks the boot file for a PXE client; returning null means "send no boot information". */
@FunctionalInterface
public interface BootFileChooser {
    BootFile choose(String mac, int arch, boolean ipxe);

    int ARCH_BIOS = 0;
    int ARCH_EFI_X64_BC = 7;
    int ARCH_EFI_X64 = 9;

    /**
     * iPXE already running gets the HTTP script (handing it undionly.kpxe again would loop forever);
     * firmware PXE gets the iPXE build matching its architecture over TFTP from {@code server}.
     */
    static BootFileChooser defaults(Inet4Address server, int httpPort) {
        String host = server.getHostAddress();
        String script = "http://" + host + ":" + httpPort + "/boot.ipxe";
        return (mac, arch, ipxe) -> {
            if (ipxe) {
                return new BootFile(host, script);
            }
            if (arch == ARCH_BIOS || arch < 0) {
                return new BootFile(host, "undionly.kpxe");
            }
            if (arch == ARCH_EFI_X64_BC || arch == ARCH_EFI_X64) {
                return new BootFile(host, "ipxe.efi");
            }
            return new BootFile(host, "snponly.efi");
        };
    }
}
