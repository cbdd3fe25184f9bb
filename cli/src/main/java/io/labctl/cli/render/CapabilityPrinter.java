package io.labctl.cli.render;

import io.labctl.protocol.CapabilityInfo;
import java.util.List;

/** labd's capabilities as {@code system features} shows them: the reason is given for every one not active. */
public final class CapabilityPrinter {
    private CapabilityPrinter() {}

    public static String table(List<CapabilityInfo> capabilities) {
        Table t = new Table("NAME", "VERSION", "STATE", "SCHEMA", "REASON");
        for (CapabilityInfo c : capabilities) {
            t.row(c.name(), c.version(), c.state(), c.schemaLabel(), c.reason());
        }
        return t.render();
    }
}
