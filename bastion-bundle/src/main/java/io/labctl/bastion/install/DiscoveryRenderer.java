package io.labctl.bastion.install;

import java.util.Map;

/**
 * The discovery inventory: a preseed that only runs a script in the Debian installer, which reports the machine's
 * disks (by-id name, kernel name, size, removable, rotational) to the bastion and reboots. The install's default
 * target disk is chosen from this report.
 */
public final class DiscoveryRenderer {
    private static final String PRESEED = "inventory.cfg.tmpl";
    private static final String SCRIPT = "inventory.sh.tmpl";

    private DiscoveryRenderer() {}

    /** base: the bastion's URL up to this MAC's folder, e.g. http://10.78.0.1:8080/provision/52-54-00-ab-cd-ef */
    public static String preseed(String mac, String bastionUrl) {
        String m = Validation.mac(mac);
        return Template.resource(PRESEED).render(Map.of("mac", m,
                "scriptUrl", base(m, bastionUrl) + "/inventory.sh"));
    }

    public static String script(String mac, String bastionUrl) {
        String m = Validation.mac(mac);
        return Template.resource(SCRIPT).render(Map.of("mac", m,
                "inventoryUrl", base(m, bastionUrl) + "/inventory"));
    }

    private static String base(String mac, String bastionUrl) {
        return Validation.url(bastionUrl, "bastion URL", false) + "/provision/" + mac.replace(':', '-');
    }
}
