package io.labctl.bastion.boot;

import io.labctl.protocol.provision.Macs;
import io.labctl.protocol.provision.MachineInfo;
import io.labctl.protocol.provision.MachineState;

/**
 * The iPXE scripts a booting machine walks through. Every value placed in a script is a MAC, a validated host name
 * or role, or the bastion's own URL, so nothing a machine reports can inject iPXE commands.
 */
public final class BootScripts {
    /** Facts iPXE reports about itself when it chains to the per-MAC script (query parameters). */
    static final String FACT_QUERY = "platform=${platform}&buildarch=${buildarch}&manufacturer=${manufacturer:uristring}"
            + "&product=${product:uristring}&serial=${serial:uristring}&uuid=${uuid}&memsize=${memsize}";

    private final String base;
    private final int waitSeconds;
    private final String kernelArgs;

    /** base: the bastion's HTTP root as booting machines reach it, e.g. http://10.78.0.1:8080 */
    public BootScripts(String base, int waitSeconds, String kernelArgs) {
        this.base = base;
        this.waitSeconds = waitSeconds;
        this.kernelArgs = kernelArgs;
    }

    public String base() {
        return base;
    }

    /** The entry script (HTTP and TFTP): hands over to this MAC's own script, retrying while the bastion is away. */
    public String entry() {
        return "#!ipxe\n"
                + "# labctl bastion: hand over to this machine's own script\n"
                + ":again\n"
                + "chain " + base + "/provision/${net0/mac:hexhyp}/boot.ipxe?" + FACT_QUERY + " && exit ||\n"
                + "echo labctl bastion at " + base + " did not answer; trying again in " + waitSeconds + " s\n"
                + "sleep " + waitSeconds + "\n"
                + "goto again\n";
    }

    /** The script for one MAC, by where labd says it is. */
    public String forMachine(MachineInfo machine) {
        String mac = machine.mac();
        MachineState state = MachineState.parse(machine.state());
        boolean inventoried = machine.facts() != null && machine.facts().containsKey(INVENTORY_DONE);
        return switch (state) {
            case DISCOVERED -> inventoried ? waiting(mac, "is discovered and has no plan",
                    "plan it: labctl provision install " + mac + " HOSTNAME --role worker|infra") : inventory(mac);
            case PLANNED, INSTALLING -> inventoried ? install(machine) : inventory(mac);
            case INSTALLED -> localDisk(machine);
        };
    }

    /** The fact the discovery inventory always reports: until it is there, the machine boots into the inventory. */
    public static final String INVENTORY_DONE = "disk.count";

    /** Boots the installer only to report the disks (see DiscoveryRenderer); it reboots when done. */
    private String inventory(String mac) {
        String hyp = Macs.hyphenated(mac);
        return "#!ipxe\n"
                + "echo labctl: " + mac + " boots once into discovery to report its disks\n"
                + "kernel " + base + "/installer/linux initrd=initrd.gz " + kernelArgs
                + " auto=true priority=critical locale=en_US.UTF-8 keymap=us hostname=discovery domain="
                + " url=" + base + "/provision/" + hyp + "/inventory.cfg\n"
                + "initrd " + base + "/installer/initrd.gz\n"
                + "boot\n";
    }

    /** labd could not be asked: say so on the console and ask again. */
    public String labdUnavailable(String mac, String reason) {
        return waiting(mac, "cannot get its plan: plans need labd", reason);
    }

    private String waiting(String mac, String what, String hint) {
        String hyp = Macs.hyphenated(mac);
        return "#!ipxe\n"
                + "echo labctl: " + mac + " " + consoleSafe(what) + "\n"
                + "echo labctl: " + consoleSafe(hint) + "\n"
                + "echo labctl: asking again in " + waitSeconds + " s\n"
                + "sleep " + waitSeconds + "\n"
                + "chain --replace " + base + "/provision/" + hyp + "/boot.ipxe?wait=1\n";
    }

    private String install(MachineInfo m) {
        String hyp = Macs.hyphenated(m.mac());
        return "#!ipxe\n"
                + "echo labctl: " + m.mode() + " of " + m.hostname() + " (" + m.role() + ")\n"
                + "kernel " + base + "/installer/linux initrd=initrd.gz " + kernelArgs
                + " auto=true priority=critical locale=en_US.UTF-8 keymap=us"
                + " hostname=" + m.hostname() + " domain=" + " url=" + base + "/provision/" + hyp + "/preseed.cfg\n"
                + "initrd " + base + "/installer/initrd.gz\n"
                + "boot\n";
    }

    private String localDisk(MachineInfo m) {
        return "#!ipxe\n"
                + "echo labctl: " + m.hostname() + " is installed; booting from its disk\n"
                + "iseq ${platform} efi && exit ||\n"
                + "sanboot --no-describe --drive 0x80 || exit\n";
    }

    /** Messages go into echo lines: keep them to one printable line without iPXE's expansion character. */
    static String consoleSafe(String text) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), 200));
        for (int i = 0; i < text.length() && b.length() < 200; i++) {
            char c = text.charAt(i);
            b.append(c < 0x20 || c > 0x7e || c == '$' ? ' ' : c);
        }
        return b.toString();
    }
}
