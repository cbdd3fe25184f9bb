package io.labctl.module.engine.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.labctl.module.CommandResult;
import io.labctl.module.PackageResource;

/**
 * Packages through the machine's package manager: apt and dpkg where the machine has dpkg, dnf and rpm where it has
 * rpm and no dpkg.
 */
final class PackageProvider implements Provider<PackageResource> {
    private static final Duration QUERY = Duration.ofMinutes(1);
    private static final Duration INSTALL = Duration.ofMinutes(15);

    @Override
    public Class<PackageResource> type() {
        return PackageResource.class;
    }

    @Override
    public Change plan(PackageResource r, RunContext run) throws IOException {
        PackageManager manager = PackageManager.of(run);
        String installed = manager.installedVersion(r.name(), run);
        if (r.isAbsent()) {
            return installed == null ? null
                    : new Change("remove package " + r.name() + " " + installed, () -> manager.remove(r.name(), run));
        }
        if (installed != null && (r.version() == null || r.version().equals(installed))) {
            return null;
        }
        String summary = installed == null
                ? "install package " + r.name() + (r.version() == null ? "" : " " + r.version())
                : "package " + r.name() + " " + installed + " -> " + r.version();
        return new Change(summary, () -> manager.install(r.name(), r.version(), run));
    }

    /** The two families of package managers, told apart by which database tool the machine has. */
    private enum PackageManager {
        APT, DNF;

        static PackageManager of(RunContext run) throws IOException {
            boolean dpkg = run.files().node(run.files().resolve("/usr/bin/dpkg-query")) != null;
            boolean rpm = run.files().node(run.files().resolve("/usr/bin/rpm")) != null;
            // neither (a scratch root): apt, whose query then fails with the host's own reason
            return rpm && !dpkg ? DNF : APT;
        }

        /** The installed version, or null when the package is not installed. */
        String installedVersion(String name, RunContext run) throws IOException {
            if (this == APT) {
                return DpkgDatabase.installedVersion(name, run, QUERY);
            }
            // rpm's database changes in place (SQLite): asked each time (unverified here: no rpm machine)
            CommandResult result = run.run(QUERY, List.of("rpm", "-q", "--qf", "%{VERSION}-%{RELEASE}", name));
            return result.exitCode() != 0 ? null : result.stdout().strip(); // not 0: unknown to rpm, not installed
        }

        void install(String name, String version, RunContext run) throws IOException {
            if (this == DNF) {
                run.check(INSTALL, List.of("dnf", "install", "-y", "-q", version == null ? name : name + "-" + version));
                return;
            }
            List<String> argv = aptGet("install", version == null ? name : name + "=" + version);
            if (run.run(INSTALL, argv).exitCode() != 0) {
                // a machine whose package lists are missing or old: refresh them once, then the failure is real
                run.check(INSTALL, aptGet("update"));
                run.check(INSTALL, argv);
            }
        }

        void remove(String name, RunContext run) throws IOException {
            run.check(INSTALL, this == DNF ? List.of("dnf", "remove", "-y", "-q", name) : aptGet("remove", name));
        }

        private static List<String> aptGet(String... args) {
            List<String> argv = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "-y", "-q",
                    "-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold"));
            argv.addAll(List.of(args));
            return argv;
        }
    }
}
