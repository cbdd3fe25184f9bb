package io.labctl.module.engine.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import io.labctl.module.DirectoryResource;
import io.labctl.module.engine.internal.MachineFiles.Kind;
import io.labctl.module.engine.internal.MachineFiles.Node;

/** Directories: made with their parents; removed only when empty. */
final class DirectoryProvider implements Provider<DirectoryResource> {
    static final int DEFAULT_MODE = 0755;

    @Override
    public Class<DirectoryResource> type() {
        return DirectoryResource.class;
    }

    @Override
    public Change plan(DirectoryResource r, RunContext run) throws IOException {
        Path path = run.files().resolve(r.path());
        Node node = run.files().node(path);
        MachineFiles.expect(r.path(), node, Kind.DIRECTORY);
        if (r.isAbsent()) {
            if (node == null) {
                return null;
            }
            try (Stream<Path> entries = Files.list(path)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException(r.path() + " is not empty: declare what is in it absent first "
                            + "(a directory never takes unmanaged files with it)");
                }
            }
            return new Change("remove directory " + r.path(), () -> Files.delete(path));
        }
        Ownership wanted = Ownership.wanted(run, r.mode(), r.owner(), r.group());
        if (node == null) {
            return new Change("create directory " + r.path() + wanted.describeNew(DEFAULT_MODE), () -> {
                Files.createDirectories(path);
                MachineFiles.setAttributes(path, wanted.modeOr(null, DEFAULT_MODE), wanted.uid(), wanted.gid());
            });
        }
        return Change.of(wanted.differences(node, run), List.of(() -> wanted.apply(path)));
    }
}
