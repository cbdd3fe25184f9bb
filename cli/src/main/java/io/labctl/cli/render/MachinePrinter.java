package io.labctl.cli.render;

import io.labctl.protocol.provision.MachineInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Machines as {@code provision list} shows them, like MAAS's machine list: MAC, state, plan, last boot. */
public final class MachinePrinter {
    private MachinePrinter() {}

    public static String table(List<MachineInfo> machines, boolean wide, Instant now) {
        List<String> header = new ArrayList<>(List.of("MAC", "STATE", "HOSTNAME", "ROLE", "MODE", "ENV", "LAST-BOOT"));
        if (wide) {
            header.addAll(List.of("DISK", "BASTION", "PLANNED-BY", "FIRST-SEEN", "FACTS"));
        }
        Table t = new Table(header);
        for (MachineInfo m : machines) {
            List<String> row = new ArrayList<>(Arrays.asList(m.mac(), m.state(), m.hostname(), m.role(), m.mode(),
                    m.environment(), m.lastSeen() == null ? Times.NEVER : Times.relative(m.lastSeen(), now)));
            if (wide) {
                row.add(m.disk() == null ? "(first reported)" : m.disk());
                row.add(m.bastion());
                row.add(m.plannedBy());
                row.add(m.firstSeen() == null ? Times.NEVER : Times.age(m.firstSeen(), now));
                row.add(Formats.labels(m.facts()));
            }
            t.row(row);
        }
        return t.render();
    }
}
