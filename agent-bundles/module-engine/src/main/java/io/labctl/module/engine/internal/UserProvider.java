package io.labctl.module.engine.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.labctl.module.UserResource;

/** Local users: state read from the machine's {@code /etc/passwd} and {@code /etc/group}, changed with useradd/usermod/userdel. */
final class UserProvider implements Provider<UserResource> {
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    @Override
    public Class<UserResource> type() {
        return UserResource.class;
    }

    @Override
    public Change plan(UserResource r, RunContext run) throws IOException {
        Accounts accounts = run.accounts();
        Accounts.User user = accounts.user(r.name());
        if (r.isAbsent()) {
            return user == null ? null : new Change("remove user " + r.name(),
                    () -> run.check(TIMEOUT, List.of("userdel", r.name())));
        }
        if (user == null) {
            List<String> argv = new ArrayList<>(List.of("useradd"));
            List<String> details = new ArrayList<>();
            if (r.isSystem()) {
                argv.add("--system");
                details.add("system");
            } else if (r.home() != null) {
                argv.add("--create-home");
            }
            option(argv, details, "--uid", "uid", r.uid() == null ? null : r.uid().toString());
            option(argv, details, "--home-dir", "home", r.home());
            option(argv, details, "--shell", "shell", r.shell());
            List<String> groups = r.supplementaryGroups();
            option(argv, details, "--groups", "groups", groups == null || groups.isEmpty() ? null : String.join(",", groups));
            argv.add(r.name());
            return new Change("create user " + r.name() + (details.isEmpty() ? "" : " (" + String.join(", ", details) + ")"),
                    () -> run.check(TIMEOUT, withOwnGroup(argv, r.name(), run)));
        }
        List<String> argv = new ArrayList<>(List.of("usermod"));
        List<String> diff = new ArrayList<>();
        if (r.uid() != null && r.uid() != user.uid()) {
            diff.add("uid " + user.uid() + " -> " + r.uid());
            argv.addAll(List.of("--uid", r.uid().toString()));
        }
        if (r.home() != null && !r.home().equals(user.home())) {
            diff.add("home " + user.home() + " -> " + r.home());
            argv.addAll(List.of("--home", r.home()));
        }
        if (r.shell() != null && !r.shell().equals(user.shell())) {
            diff.add("shell " + user.shell() + " -> " + r.shell());
            argv.addAll(List.of("--shell", r.shell()));
        }
        List<String> groups = r.supplementaryGroups();
        List<String> current = accounts.groupsOf(r.name());
        if (groups != null && !sorted(groups).equals(sorted(current))) {
            diff.add("groups " + label(current) + " -> " + label(groups));
            argv.addAll(List.of("--groups", String.join(",", groups)));
        }
        argv.add(r.name());
        return diff.isEmpty() ? null
                : new Change("user " + r.name() + ": " + String.join(", ", diff), () -> run.check(TIMEOUT, argv));
    }

    private static void option(List<String> argv, List<String> details, String flag, String label, String value) {
        if (value != null) {
            argv.addAll(List.of(flag, value));
            details.add(label + " " + value);
        }
    }

    private static List<String> sorted(List<String> names) {
        return names.stream().sorted().toList();
    }

    private static String label(List<String> groups) {
        return groups.isEmpty() ? "(none)" : String.join(",", groups);
    }

    /**
     * useradd makes a group named like the user and refuses when one exists (a module usually declares it first, as
     * the user's own group): then the user joins that group as its primary one. Decided when the change runs, after
     * the group's own resource has applied.
     */
    private static List<String> withOwnGroup(List<String> useradd, String name, RunContext run) throws IOException {
        if (run.accounts().group(name) == null) {
            return useradd;
        }
        List<String> argv = new ArrayList<>(useradd.subList(0, useradd.size() - 1));
        argv.addAll(List.of("--gid", name, name));
        return argv;
    }
}
