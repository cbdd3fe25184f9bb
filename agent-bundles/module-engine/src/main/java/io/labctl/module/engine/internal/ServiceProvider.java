package io.labctl.module.engine.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.labctl.module.ServiceResource;
import io.labctl.module.engine.internal.Change.Action;
import io.labctl.module.engine.internal.MachineFiles.Kind;
import io.labctl.module.engine.internal.MachineFiles.Node;

/**
 * systemd units through {@code systemctl}: the unit file (written under the root, then a daemon-reload), enabled,
 * running, and a restart when a watched resource or the unit file changed in this run.
 */
final class ServiceProvider implements Provider<ServiceResource> {
    private static final Duration SYSTEMCTL = Duration.ofMinutes(2);

    @Override
    public Class<ServiceResource> type() {
        return ServiceResource.class;
    }

    @Override
    public Change plan(ServiceResource r, RunContext run) throws IOException {
        String unitPath = "/etc/systemd/system/" + r.unit();
        Path unitFile = run.files().resolve(unitPath);
        Node unitNode = run.files().node(unitFile);
        MachineFiles.expect(unitPath, unitNode, Kind.FILE);
        List<String> diff = new ArrayList<>();
        List<Action> actions = new ArrayList<>();
        boolean active = isActive(r, run);
        if (r.isAbsent()) {
            if (active) {
                diff.add("stop " + r.unit());
                actions.add(() -> systemctl(run, "stop", r.unit()));
            }
            if (isEnabled(r, run)) {
                diff.add("disable " + r.unit());
                actions.add(() -> systemctl(run, "disable", r.unit()));
            }
            if (r.unitFile() != null && unitNode != null) {
                diff.add("remove " + unitPath);
                actions.add(() -> Files.delete(unitFile));
                actions.add(() -> systemctl(run, "daemon-reload"));
            }
            return Change.of(diff, actions);
        }
        boolean unitChanged = false;
        if (r.unitFile() != null) {
            String current = unitNode == null ? null : Files.readString(unitFile, StandardCharsets.UTF_8);
            if (!r.unitFile().equals(current)) {
                unitChanged = true;
                diff.add(TextDiff.unified(unitPath, current, r.unitFile(), false));
                byte[] bytes = r.unitFile().getBytes(StandardCharsets.UTF_8);
                actions.add(() -> run.files().write(unitFile, bytes, FileProvider.DEFAULT_MODE, 0, 0));
                actions.add(() -> systemctl(run, "daemon-reload"));
            }
        }
        if (r.enabled() != null && r.enabled() != isEnabled(r, run)) {
            String verb = r.enabled() ? "enable" : "disable";
            diff.add(verb + " " + r.unit());
            actions.add(() -> systemctl(run, verb, r.unit()));
        }
        boolean wantRunning = r.running() != null ? r.running() : active;
        if (wantRunning != active) {
            String verb = wantRunning ? "start" : "stop";
            diff.add(verb + " " + r.unit());
            actions.add(() -> systemctl(run, verb, r.unit()));
        } else if (active && wantRunning) {
            List<String> causes = new ArrayList<>(r.watched().stream().filter(run::changedInThisRun).toList());
            if (unitChanged) {
                causes.add(0, "its unit file");
            }
            if (!causes.isEmpty()) {
                diff.add("restart " + r.unit() + " (" + String.join(", ", causes) + " changed)");
                actions.add(() -> systemctl(run, "restart", r.unit()));
            }
        }
        return Change.of(diff, actions);
    }

    private static boolean isActive(ServiceResource r, RunContext run) throws IOException {
        return run.run(SYSTEMCTL, List.of("systemctl", "is-active", "--quiet", r.unit())).exitCode() == 0;
    }

    private static boolean isEnabled(ServiceResource r, RunContext run) throws IOException {
        // is-enabled answers "enabled" (exit 0) also for "static" and "alias" units; only "enabled" counts
        return "enabled".equals(run.run(SYSTEMCTL, List.of("systemctl", "is-enabled", r.unit())).stdout().strip());
    }

    private static void systemctl(RunContext run, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("systemctl"));
        argv.addAll(List.of(args));
        run.check(SYSTEMCTL, argv);
    }
}
