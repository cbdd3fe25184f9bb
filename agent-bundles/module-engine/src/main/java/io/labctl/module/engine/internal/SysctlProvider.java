package io.labctl.module.engine.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.labctl.module.SysctlResource;
import io.labctl.module.engine.internal.MachineFiles.Kind;
import io.labctl.module.engine.internal.MachineFiles.Node;

/**
 * Kernel parameters: one {@code key = value} line each in {@code /etc/sysctl.d/90-labctl.conf} (applied at boot), and
 * the running value read and set with {@code sysctl}.
 */
final class SysctlProvider implements Provider<SysctlResource> {
    static final String CONF = "/etc/sysctl.d/90-labctl.conf";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Override
    public Class<SysctlResource> type() {
        return SysctlResource.class;
    }

    @Override
    public Change plan(SysctlResource r, RunContext run) throws IOException {
        Path conf = run.files().resolve(CONF);
        Node node = run.files().node(conf);
        MachineFiles.expect(CONF, node, Kind.FILE);
        String before = node == null ? "" : Files.readString(conf, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(before.lines().toList());
        String wanted = r.name() + " = " + r.value();
        int index = indexOf(lines, r.name());
        List<String> diff = new ArrayList<>();
        List<Change.Action> actions = new ArrayList<>();
        if (r.isAbsent()) {
            if (index < 0) {
                return null;
            }
            lines.remove(index);
        } else {
            String running = run.check(TIMEOUT, List.of("sysctl", "-n", r.name())).stdout();
            if (!normalized(running).equals(normalized(r.value()))) {
                diff.add(r.name() + " " + normalized(running) + " -> " + normalized(r.value()));
                actions.add(() -> run.check(TIMEOUT, List.of("sysctl", "-w", r.name() + "=" + r.value())));
            }
            if (index >= 0 && lines.get(index).equals(wanted)) {
                return Change.of(diff, actions);
            }
            if (index >= 0) {
                lines.set(index, wanted);
            } else {
                lines.add(wanted);
            }
        }
        String after = lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
        diff.add(TextDiff.unified(CONF, node == null ? null : before, after, false));
        byte[] bytes = after.getBytes(StandardCharsets.UTF_8);
        actions.add(0, () -> run.files().write(conf, bytes, FileProvider.DEFAULT_MODE, null, null));
        return Change.of(diff, actions);
    }

    /** The line setting this key, or -1. */
    private static int indexOf(List<String> lines, String key) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).strip().equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /** sysctl prints multi-value parameters with tabs; compare them word by word. */
    private static String normalized(String value) {
        return String.join(" ", value.strip().split("\\s+"));
    }
}
