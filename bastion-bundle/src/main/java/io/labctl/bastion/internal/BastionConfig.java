package io.labctl.bastion.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** etc/io.labctl.bastion.cfg: the bastion serves nothing until this names its interface and address. */
@ObjectClassDefinition(id = "io.labctl.bastion", name = "labctl bastion", description = "PXE provisioning on one network")
public @interface BastionConfig {
    @AttributeDefinition(description = "Network interface DHCP is served on (only this one), e.g. eno2")
    String interfaceName();

    @AttributeDefinition(description = "The bastion's IPv4 address on that interface; booting machines reach TFTP and HTTP there")
    String serverAddress();

    @AttributeDefinition(description = "full (hand out addresses), proxy (boot information beside another DHCP server) or off")
    String dhcpMode() default "proxy";

    @AttributeDefinition(description = "full mode: first address of the pool")
    String poolStart() default "";

    @AttributeDefinition(description = "full mode: last address of the pool")
    String poolEnd() default "";

    @AttributeDefinition(description = "full mode: subnet mask")
    String subnetMask() default "255.255.255.0";

    @AttributeDefinition(description = "full mode: default gateway to hand out (empty: the bastion's own address)")
    String router() default "";

    @AttributeDefinition(description = "full mode: DNS servers to hand out, comma-separated (empty: the bastion's address)")
    String dnsServers() default "";

    @AttributeDefinition(description = "full mode: answer IPv6 router solicitations with an empty advertisement (no prefix, not a"
            + " default router), so iPXE does not wait about 16 s for IPv6; proxy mode leaves IPv6 to the network's router")
    boolean routerAdvertisements() default true;

    @AttributeDefinition(description = "full mode: lease time in seconds")
    int leaseSeconds() default 3600;

    @AttributeDefinition(description = "UDP port of the DHCP server")
    int dhcpPort() default 67;

    @AttributeDefinition(description = "UDP port of the TFTP server")
    int tftpPort() default 69;

    @AttributeDefinition(description = "TCP port of the boot HTTP server")
    int httpPort() default 8080;

    @AttributeDefinition(description = "Folder with the iPXE binaries served over TFTP (undionly.kpxe, ipxe.efi, snponly.efi)")
    String ipxeDirectory() default "/usr/lib/ipxe";

    @AttributeDefinition(description = "Folder with the installer's kernel (linux) and initrd (initrd.gz)")
    String installerDirectory() default "/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64";

    @AttributeDefinition(description = "The lab-agent distribution (.tar.gz) installed machines fetch")
    String agentDistribution() default "";

    @AttributeDefinition(description = "Environment (under cloud baremetal) of the machines this bastion discovers")
    String environment() default "lab";

    @AttributeDefinition(description = "Name of this bastion in labd's records")
    String name() default "labd";

    @AttributeDefinition(description = "Seconds a machine without a plan waits before asking again")
    int waitSeconds() default 10;

    @AttributeDefinition(description = "SSH public key line for root on installed machines (empty: none; root has no password)")
    String sshAuthorizedKey() default "";

    @AttributeDefinition(description = "Extra kernel arguments for the installer")
    String kernelArgs() default "console=tty0 console=ttyS0,115200n8";
}
