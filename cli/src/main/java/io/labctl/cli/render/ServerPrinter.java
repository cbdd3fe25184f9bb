package io.labctl.cli.render;

import io.labctl.protocol.HostFacts;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.modules.ServerModuleStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Servers as {@code get servers} and {@code describe server} show them. */
public final class ServerPrinter {
    private ServerPrinter() {}

    public static String table(List<ServerInfo> servers, boolean wide, Instant now) {
        return table(servers, wide, null, now);
    }

    /**
     * @param modules wide only: the MODULES cell by server name ({@link ModulePrinter#perServer}); null when labd has
     *                no modules capability (the column shows {@code -})
     */
    public static String table(List<ServerInfo> servers, boolean wide, Map<String, String> modules, Instant now) {
        List<String> header = new ArrayList<>(List.of("NAME", "STATUS", "ENV", "CLOUD", "ROLE", "LAST-SEEN", "AGE"));
        if (wide) {
            header.addAll(List.of("OS", "KERNEL", "ARCH", "IP", "AGENT-VERSION", "CAPABILITIES", "MODULES", "LABELS"));
        }
        Table t = new Table(header);
        for (ServerInfo s : servers) {
            List<String> row = new ArrayList<>(Arrays.asList(
                    s.name(), s.status(), s.environment(), s.cloud(), s.role(),
                    Times.age(s.lastSeen(), now), Times.age(s.enrolledAt(), now)));
            if (wide) {
                HostFacts f = s.facts();
                row.add(f == null ? null : f.os());
                row.add(f == null ? null : f.kernel());
                row.add(f == null ? null : f.arch());
                row.add(f == null || f.ips() == null || f.ips().isEmpty() ? null : f.ips().get(0));
                row.add(f == null ? null : f.agentVersion());
                row.add(AgentPrinter.cell(f));
                row.add(modules == null ? "-" : modules.get(s.name()));
                row.add(Formats.labels(s.labels()));
            }
            t.row(row);
        }
        return t.render();
    }

    /** kubectl-describe-like key: value block. */
    public static String describe(ServerInfo s, Instant now) {
        return describe(s, null, false, now);
    }

    /**
     * With a Modules section when {@code withModules}: the server's modules, or a note when {@code modules} is null
     * (labd has no modules capability).
     */
    public static String describe(ServerInfo s, List<ServerModuleStatus> modules, boolean withModules, Instant now) {
        Block b = new Block();
        b.put("Name", s.name());
        b.put("Status", s.status());
        b.put("Environment", s.environment());
        b.put("Cloud", s.cloud());
        b.put("Role", s.role());
        b.list("Labels", s.labels() == null ? List.of()
                : new TreeMap<>(s.labels()).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        b.put("Enrolled", Times.stampRelative(s.enrolledAt(), now));
        b.put("Last Seen", Times.stampRelative(s.lastSeen(), now));
        b.section("Certificate");
        b.put("  Serial", s.certificateSerial());
        b.put("  Expires", Times.stampRelative(s.certificateExpires(), now));
        b.section("Facts");
        HostFacts f = s.facts();
        if (f == null) {
            b.raw("  <none reported yet>");
        } else {
            b.put("  Hostname", f.hostname());
            b.put("  OS", f.os());
            if (f.osId() != null) {  // what selectors see as os and os.version
                b.put("  OS ID", f.osId() + (f.osVersion() == null ? "" : " " + f.osVersion()));
            }
            b.put("  Kernel", f.kernel());
            b.put("  Arch", f.arch());
            b.put("  CPUs", f.cpus() > 0 ? Integer.toString(f.cpus()) : null);
            b.put("  Memory", f.memoryBytes() > 0 ? gib(f.memoryBytes()) : null);
            b.put("  IPs", f.ips() == null || f.ips().isEmpty() ? null : String.join(", ", f.ips()));
            b.put("  Agent Version", f.agentVersion());
            b.put("  Features", f.features() == null || f.features().isEmpty() ? null : String.join(", ", f.features()));
        }
        AgentPrinter.section(b, f);
        if (withModules) {
            ModulePrinter.serverSection(b, modules, now);
        }
        return b.render();
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
