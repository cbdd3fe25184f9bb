package io.labctl.module.engine.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.labctl.module.FileResource;
import io.labctl.module.engine.internal.Change.Action;
import io.labctl.module.engine.internal.MachineFiles.Kind;
import io.labctl.module.engine.internal.MachineFiles.Node;

/** Regular files: content (exact or from a template), mode, owner, group. */
final class FileProvider implements Provider<FileResource> {
    static final int DEFAULT_MODE = 0644;
    /** Larger files are compared but not diffed line by line. */
    private static final long MAX_DIFF_BYTES = 1 << 20;

    @Override
    public Class<FileResource> type() {
        return FileResource.class;
    }

    @Override
    public Change plan(FileResource r, RunContext run) throws IOException {
        Path path = run.files().resolve(r.path());
        Node node = run.files().node(path);
        MachineFiles.expect(r.path(), node, Kind.FILE);
        if (r.isAbsent()) {
            return node == null ? null : new Change("remove " + r.path(), () -> Files.delete(path));
        }
        String desired = r.content();
        boolean sensitive = r.isSensitive();
        if (r.template() != null) {
            TemplateValues.Rendered rendered = run.templateValues().render(r.template(), r.id());
            desired = rendered.text();
            sensitive |= rendered.sensitive();
        }
        Ownership wanted = Ownership.wanted(run, r.mode(), r.owner(), r.group());
        byte[] bytes = desired == null ? null : desired.getBytes(StandardCharsets.UTF_8);
        if (node == null) {
            List<String> diff = new ArrayList<>(List.of("create " + r.path() + wanted.describeNew(DEFAULT_MODE)));
            if (desired != null && !desired.isEmpty()) {
                diff.add(TextDiff.unified(r.path(), null, desired, sensitive));
            }
            byte[] content = bytes == null ? new byte[0] : bytes;
            return Change.of(diff, List.of(() -> run.files().write(path, content,
                    wanted.modeOr(null, DEFAULT_MODE), wanted.uidOr(null), wanted.gidOr(null))));
        }
        List<String> diff = new ArrayList<>();
        List<Action> actions = new ArrayList<>();
        boolean rewrite = false;
        if (bytes != null) {
            byte[] current = Files.readAllBytes(path);
            if (!Arrays.equals(current, bytes)) {
                rewrite = true;
                diff.add(contentDiff(r.path(), current, desired, sensitive));
            }
        }
        diff.addAll(wanted.differences(node, run));
        if (rewrite) {
            actions.add(() -> run.files().write(path, bytes, wanted.modeOr(node, DEFAULT_MODE), wanted.uidOr(node),
                    wanted.gidOr(node)));
        } else {
            actions.add(() -> wanted.apply(path));
        }
        return Change.of(diff, actions);
    }

    private static String contentDiff(String path, byte[] current, String desired, boolean sensitive) {
        if (sensitive) {
            return TextDiff.SENSITIVE;
        }
        if (current.length > MAX_DIFF_BYTES || desired.length() > MAX_DIFF_BYTES) {
            return "content changed (" + current.length + " -> " + desired.getBytes(StandardCharsets.UTF_8).length
                    + " bytes, too large to show)";
        }
        return TextDiff.unified(path, new String(current, StandardCharsets.UTF_8), desired, false);
    }
}
