package io.labctl.modules.internal;

import io.labctl.api.ApiException;
import io.labctl.protocol.modules.ModuleDescriptor;
import io.labctl.protocol.modules.ServerModuleStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

/**
 * What modules require of each other ({@code requires} in module.yaml), over one snapshot of what is assigned where.
 * A requirement of X on Y holds on a server when an assignment in force gives Y to that server at a version in X's
 * range (and Y's removal has not run there since). An apply or rollback of X is refused while it does not hold on a
 * target; an apply of Y at a version outside the range of an X assigned there is refused; a removal of Y is refused
 * where an assigned X still requires it; labd's own convergence runs Y before X and leaves X pending while Y has not
 * converged there.
 */
final class Requirements {

    /** module -> server -> what manages it there, only where the module is assigned and not removed. */
    private final Map<String, Map<String, ModuleService.Managed>> assigned = new HashMap<>();
    private final Map<String, StateRow> states = new HashMap<>();

    private Requirements(Map<String, ModuleService.Managed> managed, Collection<StateRow> stateRows) {
        stateRows.forEach(r -> states.put(ModuleService.key(r.module, r.server), r));
        for (ModuleService.Managed m : managed.values()) {
            String module = m.assignment().module;
            StateRow state = states.get(ModuleService.key(module, m.server().name()));
            boolean removedSince = state != null && ModuleService.REMOVED.equals(state.state)
                    && state.revision >= m.assignment().revision;
            if (!removedSince) {
                assigned.computeIfAbsent(module, k -> new HashMap<>()).put(m.server().name(), m);
            }
        }
    }

    static Requirements of(Map<String, ModuleService.Managed> managed, Collection<StateRow> states) {
        return new Requirements(managed, states);
    }

    /** One requirement not met: the required module, its range (null: any version) and the servers it misses on. */
    private record Missing(ModuleDescriptor.Dependency dependency, Set<String> servers, Map<String, String> outOfRange) {}

    /** The requirements of {@code descriptor} that do not hold on some of {@code servers}, in the descriptor's order. */
    private List<Missing> missing(ModuleDescriptor descriptor, Collection<String> servers) {
        List<Missing> out = new ArrayList<>();
        for (ModuleDescriptor.Dependency d : descriptor.requires()) {
            Set<String> missingOn = new TreeSet<>();
            Map<String, String> outOfRange = new TreeMap<>();
            for (String server : servers) {
                String version = assignedVersion(d.name(), server);
                if (version == null || !inRange(version, d.version())) {
                    missingOn.add(server);
                    if (version != null) {
                        outOfRange.put(server, version);
                    }
                }
            }
            if (!missingOn.isEmpty()) {
                out.add(new Missing(d, missingOn, outOfRange));
            }
        }
        return out;
    }

    /**
     * Refuses an apply, dry run or rollback of {@code module@version} on {@code servers} (409) while one of its
     * requirements does not hold on one of them, or while a module assigned there requires this one at a range that
     * excludes {@code version}; the error names each module, range and server, and the fix.
     */
    void requireMet(ModuleDescriptor descriptor, String version, Collection<String> servers, String selector) {
        refuseMissing(descriptor, version, servers, selector);
        refuseBreaking(descriptor.name(), version, servers);
    }

    private void refuseMissing(ModuleDescriptor descriptor, String version, Collection<String> servers, String selector) {
        List<Missing> missing = missing(descriptor, servers);
        if (missing.isEmpty()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        for (Missing m : missing) {
            String what = text(m.dependency());
            String detail = m.outOfRange().isEmpty() ? "" : " (assigned there at another version: " + m.outOfRange()
                    .entrySet().stream().map(e -> e.getKey() + " has " + e.getValue()).collect(Collectors.joining(", ")) + ")";
            parts.add(what + " is not assigned on " + names(m.servers()) + detail);
            fixes.add("labctl modules apply " + m.dependency().name() + " -l " + selector);
        }
        throw ApiException.conflict("module-requirements-missing", descriptor.name() + "@" + version + " requires "
                + "modules its targets do not have: " + String.join("; ", parts) + ". Nothing was applied; apply them "
                + "first (" + String.join(", then ", fixes) + ", at a version in the range), then apply "
                + descriptor.name() + " again");
    }

    /** A module assigned on the servers that requires {@code module} at a range without {@code version}: 409. */
    private void refuseBreaking(String module, String version, Collection<String> servers) {
        Map<String, Set<String>> serversByRequirement = new TreeMap<>();
        requirersOf(module, servers).stream().filter(r -> !inRange(version, r.dependency().version()))
                .forEach(r -> serversByRequirement.computeIfAbsent(r.module() + "@" + r.version() + " requires "
                        + text(r.dependency()), k -> new TreeSet<>()).add(r.server()));
        if (serversByRequirement.isEmpty()) {
            return;
        }
        String broken = serversByRequirement.entrySet().stream().map(e -> e.getKey() + " on " + names(e.getValue()))
                .collect(Collectors.joining("; "));
        throw ApiException.conflict("module-requirement-broken", module + "@" + version + " is outside what modules "
                + "assigned on its targets require: " + broken + ". Nothing was applied; apply a version of " + module
                + " in that range, or first apply versions of those modules that accept " + version);
    }

    /** A module assigned on a server, at a version, with its requirement of another module. */
    private record Requirer(String module, String version, String server, ModuleDescriptor.Dependency dependency) {}

    /** The modules (other than {@code module} itself) assigned on the servers that require {@code module}. */
    private List<Requirer> requirersOf(String module, Collection<String> servers) {
        List<Requirer> out = new ArrayList<>();
        for (String server : servers) {
            assigned.forEach((other, byServer) -> {
                ModuleService.Managed m = byServer.get(server);
                if (!other.equals(module) && m != null) {
                    descriptorOf(m).requires().stream().filter(d -> d.name().equals(module))
                            .forEach(d -> out.add(new Requirer(other, m.assignment().version, server, d)));
                }
            });
        }
        return out;
    }

    /** Refuses a removal of {@code module} (409) on servers where an assigned module still requires it. */
    void requireNoDependents(String module, Collection<String> servers, String selector) {
        Map<String, Set<String>> serversByDependent = new TreeMap<>();
        requirersOf(module, servers).forEach(r ->
                serversByDependent.computeIfAbsent(r.module(), k -> new TreeSet<>()).add(r.server()));
        if (serversByDependent.isEmpty()) {
            return;
        }
        String still = serversByDependent.entrySet().stream()
                .map(e -> e.getKey() + " on " + names(e.getValue())).collect(Collectors.joining("; "));
        String fixes = serversByDependent.keySet().stream().map(m -> "labctl modules remove " + m + " -l " + selector)
                .collect(Collectors.joining(", "));
        throw ApiException.conflict("module-still-required", module + " is still required by modules assigned there: "
                + still + ". Nothing was removed; remove those first (" + fixes + "), then remove "
                + module + " again");
    }

    /**
     * Why labd's convergence must not run {@code m} yet: a required module is not assigned there at a version in
     * range, or has not converged there (failed, drifted, pending, not run yet): a check after a failed run says
     * drifted too, so only converged counts as in place. Empty when it may run.
     */
    Optional<String> waitingFor(ModuleService.Managed m) {
        String server = m.server().name();
        for (ModuleDescriptor.Dependency d : descriptorOf(m).requires()) {
            ModuleService.Managed required = assigned.getOrDefault(d.name(), Map.of()).get(server);
            if (required == null || !inRange(required.assignment().version, d.version())) {
                return Optional.of("waiting for " + d.name() + ": not assigned to " + server + " at " + range(d));
            }
            StateRow state = states.get(ModuleService.key(d.name(), server));
            if (state == null || state.revision < required.assignment().revision || !ServerModuleStatus.CONVERGED.equals(state.state)) {
                String now = state == null || state.revision < required.assignment().revision ? "not run yet"
                        : ModuleService.HELD.equals(state.state) ? ServerModuleStatus.PENDING : state.state;
                return Optional.of("waiting for " + d.name() + " (" + now + " on " + server + ")");
            }
        }
        return Optional.empty();
    }

    /**
     * The given (module, server) pairs grouped by module, each module after the modules it requires; modules in a
     * requirement cycle (which no apply can create) keep their order at the end.
     */
    static List<List<ModuleService.Managed>> inDependencyOrder(List<ModuleService.Managed> pairs) {
        Map<String, List<ModuleService.Managed>> byModule = new LinkedHashMap<>();
        Map<String, Set<String>> needs = new HashMap<>();
        for (ModuleService.Managed m : pairs) {
            String module = m.assignment().module;
            byModule.computeIfAbsent(module, k -> new ArrayList<>()).add(m);
            descriptorOf(m).requires().forEach(d -> needs.computeIfAbsent(module, k -> new LinkedHashSet<>()).add(d.name()));
        }
        List<List<ModuleService.Managed>> out = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        boolean progress = true;
        while (progress && placed.size() < byModule.size()) {
            progress = false;
            for (String module : byModule.keySet()) {
                boolean ready = needs.getOrDefault(module, Set.of()).stream()
                        .allMatch(n -> n.equals(module) || placed.contains(n) || !byModule.containsKey(n));
                if (!placed.contains(module) && ready) {
                    placed.add(module);
                    out.add(byModule.get(module));
                    progress = true;
                }
            }
        }
        byModule.forEach((module, list) -> {
            if (!placed.contains(module)) {
                out.add(list);
            }
        });
        return out;
    }

    private String assignedVersion(String module, String server) {
        ModuleService.Managed m = assigned.getOrDefault(module, Map.of()).get(server);
        return m == null ? null : m.assignment().version;
    }

    private static ModuleDescriptor descriptorOf(ModuleService.Managed m) {
        return m.entry().descriptor();
    }

    /** Whether a version is in an OSGi range; a bare version means "at least", no range means any version. */
    static boolean inRange(String version, String range) {
        if (range == null || range.isBlank()) {
            return true;
        }
        return new VersionRange(range.replaceAll("\\s", "")).includes(Version.parseVersion(version));
    }

    private static String text(ModuleDescriptor.Dependency d) {
        return d.name() + " " + range(d);
    }

    private static String range(ModuleDescriptor.Dependency d) {
        if (d.version() == null || d.version().isBlank()) {
            return "any version";
        }
        String r = d.version().strip();
        return Character.isDigit(r.charAt(0)) ? ">= " + r : r;
    }

    private static String names(Set<String> servers) {
        List<String> list = new ArrayList<>(servers);
        return list.size() <= 10 ? String.join(", ", list)
                : String.join(", ", list.subList(0, 10)) + " and " + (list.size() - 10) + " more";
    }
}
