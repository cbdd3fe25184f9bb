package io.labctl.module.engine.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.labctl.module.SymlinkResource;
import io.labctl.module.engine.internal.MachineFiles.Kind;
import io.labctl.module.engine.internal.MachineFiles.Node;

/** Symbolic links, with their target as written. */
final class SymlinkProvider implements Provider<SymlinkResource> {

    @Override
    public Class<SymlinkResource> type() {
        return SymlinkResource.class;
    }

    @Override
    public Change plan(SymlinkResource r, RunContext run) throws IOException {
        Path path = run.files().resolve(r.path());
        Node node = run.files().node(path);
        MachineFiles.expect(r.path(), node, Kind.SYMLINK);
        if (r.isAbsent()) {
            return node == null ? null : new Change("remove symlink " + r.path(), () -> Files.delete(path));
        }
        Change.Action link = () -> {
            Files.createDirectories(path.getParent());
            // made beside the path and renamed onto it: the link never disappears while it is switched
            Path temp = MachineFiles.besideTarget(path);
            try {
                Files.createSymbolicLink(temp, Path.of(r.target()));
                MachineFiles.moveIntoPlace(temp, path);
            } finally {
                Files.deleteIfExists(temp);
            }
        };
        if (node == null) {
            return new Change("create symlink " + r.path() + " -> " + r.target(), link);
        }
        String current = Files.readSymbolicLink(path).toString();
        if (current.equals(r.target())) {
            return null;
        }
        return new Change("symlink " + r.path() + " -> " + r.target() + " (was -> " + current + ")", link);
    }
}
