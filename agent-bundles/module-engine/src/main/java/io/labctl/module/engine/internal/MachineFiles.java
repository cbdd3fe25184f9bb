package io.labctl.module.engine.internal;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.UUID;

/**
 * The machine's files, seen under its root. Every change is made beside its target and moved into place, so a failure
 * halfway never leaves a half-written file where a service would read it.
 */
public final class MachineFiles {
    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private final Path root;

    public MachineFiles(Path root) {
        this.root = root;
    }

    /** What a path is, without following a symlink. */
    public enum Kind { FILE, DIRECTORY, SYMLINK, OTHER }

    /** A path's type and its numeric mode, owner and group. */
    public record Node(Kind kind, int mode, int uid, int gid, long size) {}

    /** The host path of an absolute machine path; refuses one that leaves the root. */
    public Path resolve(String machinePath) throws IOException {
        Path resolved = root.resolve(machinePath.substring(1)).normalize();
        if (!resolved.startsWith(root)) {
            throw new IOException(machinePath + " leaves the machine's root: give a path without '..'");
        }
        return resolved;
    }

    /** The node at a path, or null when nothing is there. */
    public Node node(Path path) throws IOException {
        BasicFileAttributes basic;
        try {
            basic = Files.readAttributes(path, BasicFileAttributes.class, NO_FOLLOW);
        } catch (NoSuchFileException e) {
            return null;
        }
        Map<String, Object> unix = Files.readAttributes(path, "unix:mode,uid,gid", NO_FOLLOW);
        Kind kind = basic.isSymbolicLink() ? Kind.SYMLINK
                : basic.isDirectory() ? Kind.DIRECTORY : basic.isRegularFile() ? Kind.FILE : Kind.OTHER;
        return new Node(kind, (Integer) unix.get("mode") & 07777, (Integer) unix.get("uid"), (Integer) unix.get("gid"),
                basic.size());
    }

    /** Refuses a node of another kind than the resource manages, naming what is there. */
    public static void expect(String machinePath, Node node, Kind kind) throws IOException {
        if (node != null && node.kind() != kind) {
            throw new IOException(machinePath + " is a " + describe(node.kind()) + ", not a " + describe(kind)
                    + ": remove it, or manage it as a " + describe(node.kind()));
        }
    }

    private static String describe(Kind kind) {
        return switch (kind) {
            case FILE -> "regular file";
            case DIRECTORY -> "directory";
            case SYMLINK -> "symlink";
            case OTHER -> "special file";
        };
    }

    /**
     * Writes a file through a temporary file beside it: attributes first, then one atomic move, so the target is
     * either the old file or the complete new one.
     */
    public void write(Path target, byte[] content, int mode, Integer uid, Integer gid) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = besideTarget(target);
        try {
            Files.write(temp, content);
            setAttributes(temp, mode, uid, gid);
            moveIntoPlace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** A fresh name in the target's directory, for a file or link to be moved onto the target. */
    public static Path besideTarget(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".labctl-" + UUID.randomUUID());
    }

    /** Renames onto the target in one step (same directory, so the same file system). */
    public static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Sets the numeric owner, group and mode (in that order: chown clears setuid bits). */
    public static void setAttributes(Path path, Integer mode, Integer uid, Integer gid) throws IOException {
        if (uid != null) {
            Files.setAttribute(path, "unix:uid", uid, NO_FOLLOW);
        }
        if (gid != null) {
            Files.setAttribute(path, "unix:gid", gid, NO_FOLLOW);
        }
        if (mode != null) {
            Files.setAttribute(path, "unix:mode", mode);
        }
    }
}
