package io.labctl.cli.render;

import io.labctl.protocol.AgentCapability;
import io.labctl.protocol.AgentUpgrade;
import io.labctl.protocol.HostFacts;
import io.labctl.protocol.ServerInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/** Agents' capabilities and versions: the CAPABILITIES cell, describe's section and {@code agents versions}. */
public final class AgentPrinter {
    /** How many server names a row of {@code agents versions} lists before it counts the rest. */
    static final int NAMES_SHOWN = 5;

    private AgentPrinter() {}

    /**
     * One version of one capability bundle across the fleet.
     *
     * @param feature the lab-agent feature, null for a bundle no feature brought
     * @param agents  how many agents last reported it
     * @param servers their names, sorted
     */
    public record FleetVersion(String feature, String bundle, String version, int agents, List<String> servers) {}

    /**
     * The fleet summary: each capability bundle's versions with the servers reporting them; unreported names the
     * servers with no report (never connected, or an agent older than capability reports).
     */
    public record FleetVersions(List<FleetVersion> versions, List<String> unreported) {}

    /**
     * The CAPABILITIES cell of {@code get servers -o wide}: each feature's short name, with {@code @VERSION} when it
     * runs another version than the agent's core, and {@code (STATE)} when none of its bundles is active. {@code -}
     * when the agent did not report any.
     */
    public static String cell(HostFacts facts) {
        if (facts == null || facts.capabilities() == null) {
            return "-";
        }
        Map<String, List<AgentCapability>> byName = new LinkedHashMap<>();
        for (AgentCapability c : facts.capabilities()) {
            byName.computeIfAbsent(c.shortName(), k -> new ArrayList<>()).add(c);
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, List<AgentCapability>> e : byName.entrySet()) {
            TreeSet<String> versions = new TreeSet<>();
            boolean active = false;
            String state = null;
            for (AgentCapability c : e.getValue()) {
                versions.add(c.version());
                active |= AgentCapability.ACTIVE.equals(c.state());
                state = state == null ? c.state() : state;
            }
            String part = e.getKey();
            if (!(versions.size() == 1 && versions.first().equals(facts.agentVersion()))) {
                part += "@" + String.join("+", versions);
            }
            if (!active) {
                part += "(" + state + ")";
            }
            parts.add(part);
        }
        return parts.isEmpty() ? "-" : String.join(",", parts);
    }

    /** describe server's Capabilities section: a row per bundle; nothing before the agent's first report. */
    static void section(Block b, HostFacts facts) {
        if (facts == null) {
            return;
        }
        b.section("Capabilities");
        if (facts.capabilities() == null) {
            b.raw("  <not reported: this agent is older than capability reports>");
            return;
        }
        if (facts.capabilities().isEmpty()) {
            b.raw("  <none>");
            return;
        }
        Table t = new Table("FEATURE", "BUNDLE", "VERSION", "STATE");
        for (AgentCapability c : facts.capabilities()) {
            t.row(c.feature() == null ? "-" : c.feature(), c.bundle(), c.version(), c.state());
        }
        b.indented(t.render().stripTrailing(), "  ");
    }

    /** Summarises the servers' reports; {@code feature}, when given, keeps only that feature's rows. */
    public static FleetVersions summarise(List<ServerInfo> servers, String feature) {
        Map<List<String>, TreeSet<String>> rows = new TreeMap<>(Comparator
                .comparing((List<String> k) -> k.get(0).isEmpty() ? "\uffff" : k.get(0))
                .thenComparing(k -> k.get(1)).thenComparing(k -> k.get(2)));
        List<String> unreported = new ArrayList<>();
        for (ServerInfo s : servers) {
            HostFacts f = s.facts();
            if (f == null || f.capabilities() == null) {
                unreported.add(s.name());
                continue;
            }
            for (AgentCapability c : f.capabilities()) {
                if (feature != null && !feature.equals(c.feature()) && !feature.equals(c.shortName())) {
                    continue;
                }
                rows.computeIfAbsent(List.of(Objects.requireNonNullElse(c.feature(), ""), c.bundle(), c.version()),
                        k -> new TreeSet<>()).add(s.name());
            }
        }
        List<FleetVersion> out = new ArrayList<>();
        rows.forEach((k, names) -> out.add(new FleetVersion(k.get(0).isEmpty() ? null : k.get(0), k.get(1), k.get(2),
                names.size(), List.copyOf(names))));
        unreported.sort(null);
        return new FleetVersions(List.copyOf(out), List.copyOf(unreported));
    }

    /** {@code agents versions}' table: FEATURE, BUNDLE, VERSION, AGENTS, SERVERS (the first few, then +N). */
    public static String versions(FleetVersions fleet) {
        Table t = new Table("FEATURE", "BUNDLE", "VERSION", "AGENTS", "SERVERS");
        for (FleetVersion v : fleet.versions()) {
            List<String> names = v.servers();
            String shown = String.join(",", names.subList(0, Math.min(NAMES_SHOWN, names.size())));
            if (names.size() > NAMES_SHOWN) {
                shown += ",+" + (names.size() - NAMES_SHOWN);
            }
            t.row(v.feature() == null ? "-" : v.feature(), v.bundle(), v.version(), Integer.toString(v.agents()), shown);
        }
        return t.render();
    }

    /** {@code agents upgrade}'s table, a row per server as they finished, and the counts. */
    public static String upgrade(AgentUpgrade.Result result) {
        Table t = new Table("SERVER", "RESULT", "FROM", "TO", "TIME", "MESSAGE");
        for (AgentUpgrade.ServerResult r : result.servers()) {
            t.row(r.server(), r.result(), r.from(), r.to(), r.millis() > 0 ? r.millis() + "ms" : null, r.message());
        }
        return t.render() + result.bundle() + " " + result.version() + ": " + result.upgraded() + " upgraded, "
                + result.unchanged() + " unchanged, " + result.failed() + " failed, " + result.notRun() + " not run, "
                + result.offline() + " offline\n";
    }
}
