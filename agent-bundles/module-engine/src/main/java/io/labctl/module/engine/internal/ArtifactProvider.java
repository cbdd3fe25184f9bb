package io.labctl.module.engine.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.labctl.module.ArtifactResource;
import io.labctl.module.engine.internal.MachineFiles.Kind;
import io.labctl.module.engine.internal.MachineFiles.Node;

/**
 * Files from labd's repository, pinned by SHA-256. The bytes go to a temporary file beside the target and are moved
 * into place only once their digest matched: a wrong or broken download leaves nothing behind.
 */
final class ArtifactProvider implements Provider<ArtifactResource> {

    @Override
    public Class<ArtifactResource> type() {
        return ArtifactResource.class;
    }

    @Override
    public Change plan(ArtifactResource r, RunContext run) throws IOException {
        Path path = run.files().resolve(r.path());
        Node node = run.files().node(path);
        MachineFiles.expect(r.path(), node, Kind.FILE);
        if (r.isAbsent()) {
            return node == null ? null : new Change("remove " + r.path(), () -> Files.delete(path));
        }
        Ownership wanted = Ownership.wanted(run, r.mode(), null, null);
        String what = r.name() + " " + r.version() + " (sha256 " + r.sha256().substring(0, 12) + "...)";
        if (node == null) {
            return new Change("fetch " + what + " to " + r.path() + wanted.describeNew(FileProvider.DEFAULT_MODE),
                    () -> fetch(r, path, wanted.modeOr(null, FileProvider.DEFAULT_MODE), run));
        }
        String current = sha256(path);
        if (!current.equals(r.sha256())) {
            return new Change("replace " + r.path() + " with " + what + ", was sha256 " + current.substring(0, 12)
                    + "...", () -> fetch(r, path, wanted.modeOr(node, FileProvider.DEFAULT_MODE), run));
        }
        List<String> diff = new ArrayList<>(wanted.differences(node, run));
        return Change.of(diff, List.of(() -> wanted.apply(path)));
    }

    private static void fetch(ArtifactResource r, Path target, int mode, RunContext run) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = MachineFiles.besideTarget(target);
        try {
            MessageDigest digest = sha256();
            try (InputStream in = new DigestInputStream(run.host().artifact(r.name(), r.version()), digest);
                 OutputStream out = Files.newOutputStream(temp)) {
                in.transferTo(out);
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(r.sha256())) {
                throw new IOException("digest mismatch for " + r.name() + " " + r.version() + ": expected sha256 "
                        + r.sha256() + ", got " + actual + "; nothing was put in place (check the pinned digest, or "
                        + "the artifact in labd's repository)");
            }
            MachineFiles.setAttributes(temp, mode, null, null);
            MachineFiles.moveIntoPlace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
