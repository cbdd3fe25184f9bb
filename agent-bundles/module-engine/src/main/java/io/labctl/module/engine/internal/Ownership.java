package io.labctl.module.engine.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mode, owner and group a file, directory or artifact should have: each managed only when given, names resolved
 * to numbers in the machine's own account files.
 */
record Ownership(Integer mode, String owner, Integer uid, String group, Integer gid) {

    static Ownership wanted(RunContext run, Integer mode, String owner, String group) throws IOException {
        Integer uid = null;
        Integer gid = null;
        if (owner != null || group != null) {
            Accounts accounts = run.accounts();
            uid = owner == null ? null : id(run, "user", owner, accounts.user(owner) == null ? null : accounts.uid(owner));
            gid = group == null ? null : id(run, "group", group, accounts.group(group) == null ? null : accounts.gid(group));
        }
        return new Ownership(mode, owner, uid, group, gid);
    }

    /**
     * A known id, or, in a plan, none yet for an account this run creates first; otherwise the name must exist.
     */
    private static Integer id(RunContext run, String type, String name, Integer known) throws IOException {
        if (known != null || (!run.applying() && run.changedInThisRun(type + ":" + name))) {
            return known;
        }
        throw new IOException(type + " " + name + " is not in /etc/" + (type.equals("user") ? "passwd" : "group")
                + ": declare " + type + ":" + name + " and require it, or fix the " + (type.equals("user") ? "owner" : "group"));
    }

    /** One line per attribute that differs, e.g. {@code mode 0644 -> 0600}. */
    List<String> differences(MachineFiles.Node current, RunContext run) throws IOException {
        List<String> lines = new ArrayList<>();
        if (mode != null && mode != current.mode()) {
            lines.add("mode " + TextDiff.mode(current.mode()) + " -> " + TextDiff.mode(mode));
        }
        boolean ownerDiffers = owner != null && (uid == null || uid != current.uid());
        boolean groupDiffers = group != null && (gid == null || gid != current.gid());
        if (ownerDiffers || groupDiffers) {
            Accounts accounts = run.accounts();
            if (ownerDiffers) {
                lines.add("owner " + accounts.userName(current.uid()) + " -> " + owner);
            }
            if (groupDiffers) {
                lines.add("group " + accounts.groupName(current.gid()) + " -> " + group);
            }
        }
        return lines;
    }

    /** How a new node will be made, e.g. {@code (mode 0644, owner app)}. */
    String describeNew(int defaultMode) {
        StringBuilder s = new StringBuilder(" (mode ").append(TextDiff.mode(mode == null ? defaultMode : mode));
        if (owner != null) {
            s.append(", owner ").append(owner);
        }
        if (group != null) {
            s.append(", group ").append(group);
        }
        return s.append(')').toString();
    }

    /** Sets what is managed. */
    void apply(Path path) throws IOException {
        MachineFiles.setAttributes(path, mode, uid, gid);
    }

    /** The attributes a replacement of {@code current} (or a new node) gets: managed ones, else the current ones. */
    int modeOr(MachineFiles.Node current, int defaultMode) {
        return mode != null ? mode : current != null ? current.mode() : defaultMode;
    }

    Integer uidOr(MachineFiles.Node current) {
        return uid != null ? uid : current != null ? Integer.valueOf(current.uid()) : null;
    }

    Integer gidOr(MachineFiles.Node current) {
        return gid != null ? gid : current != null ? Integer.valueOf(current.gid()) : null;
    }
}
