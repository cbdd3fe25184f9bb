package io.labctl.cli.render;

import io.labctl.protocol.CapabilityInfo;
import io.labctl.protocol.SystemChange;
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

    /** One change to labd's capabilities (system upgrade, install, uninstall): one row, and the digest when one was checked. */
    public static String change(SystemChange.Result r) {
        Table t = new Table("FEATURE", "RESULT", "FROM", "TO", "SOURCE", "TIME", "MESSAGE");
        t.row(r.feature(), r.result(), r.from(), r.to(), r.source(), r.millis() > 0 ? r.millis() + "ms" : null, r.message());
        return t.render() + (r.sha256() == null ? "" : r.bundle() + " sha256:" + r.sha256() + "\n");
    }
}
