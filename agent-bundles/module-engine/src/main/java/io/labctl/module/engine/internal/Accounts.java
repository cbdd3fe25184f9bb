package io.labctl.module.engine.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine's users and groups, read from {@code <root>/etc/passwd} and {@code <root>/etc/group}: never the JVM's own
 * name lookup, which would answer for the machine the agent runs on rather than the root being managed.
 */
public final class Accounts {
    public record User(String name, int uid, int gid, String home, String shell) {}

    public record Group(String name, int gid, List<String> members) {}

    private final Map<String, User> users;
    private final Map<String, Group> groups;

    private Accounts(Map<String, User> users, Map<String, Group> groups) {
        this.users = users;
        this.groups = groups;
    }

    public static Accounts read(MachineFiles files) throws IOException {
        Map<String, User> users = new LinkedHashMap<>();
        for (String[] f : fields(files.resolve("/etc/passwd"), 7)) {
            users.put(f[0], new User(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[5], f[6]));
        }
        Map<String, Group> groups = new LinkedHashMap<>();
        for (String[] f : fields(files.resolve("/etc/group"), 4)) {
            List<String> members = f[3].isEmpty() ? List.of() : Arrays.asList(f[3].split(","));
            groups.put(f[0], new Group(f[0], Integer.parseInt(f[2]), List.copyOf(members)));
        }
        return new Accounts(users, groups);
    }

    private static List<String[]> fields(Path file, int count) throws IOException {
        List<String[]> rows = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return rows;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split(":", -1);
            if (f.length >= count && !line.startsWith("#") && f[2].matches("\\d+")) {
                rows.add(f);
            }
        }
        return rows;
    }

    public User user(String name) {
        return users.get(name);
    }

    public Group group(String name) {
        return groups.get(name);
    }

    /** The uid of a user that must exist. */
    public int uid(String user) throws IOException {
        User u = users.get(user);
        if (u == null) {
            throw new IOException("user " + user + " is not in /etc/passwd: declare user:" + user
                    + " and require it, or fix the owner");
        }
        return u.uid();
    }

    /** The gid of a group that must exist. */
    public int gid(String group) throws IOException {
        Group g = groups.get(group);
        if (g == null) {
            throw new IOException("group " + group + " is not in /etc/group: declare group:" + group
                    + " and require it, or fix the group");
        }
        return g.gid();
    }

    /** The user's name for a report, or the number when no user has it. */
    public String userName(int uid) {
        return users.values().stream().filter(u -> u.uid() == uid).map(User::name).findFirst()
                .orElse(Integer.toString(uid));
    }

    public String groupName(int gid) {
        return groups.values().stream().filter(g -> g.gid() == gid).map(Group::name).findFirst()
                .orElse(Integer.toString(gid));
    }

    /** The names of the groups that list the user as a member (its supplementary groups), in file order. */
    public List<String> groupsOf(String user) {
        return groups.values().stream().filter(g -> g.members().contains(user)).map(Group::name).toList();
    }
}
