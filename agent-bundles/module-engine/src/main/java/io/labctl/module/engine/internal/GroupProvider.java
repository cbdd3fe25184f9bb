package io.labctl.module.engine.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.labctl.module.GroupResource;

/** Local groups: state read from the machine's {@code /etc/group}, changed with groupadd/groupmod/groupdel. */
final class GroupProvider implements Provider<GroupResource> {
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    @Override
    public Class<GroupResource> type() {
        return GroupResource.class;
    }

    @Override
    public Change plan(GroupResource r, RunContext run) throws IOException {
        Accounts.Group group = run.accounts().group(r.name());
        if (r.isAbsent()) {
            return group == null ? null : new Change("remove group " + r.name(),
                    () -> run.check(TIMEOUT, List.of("groupdel", r.name())));
        }
        if (group == null) {
            List<String> argv = new ArrayList<>(List.of("groupadd"));
            if (r.isSystem()) {
                argv.add("--system");
            }
            if (r.gid() != null) {
                argv.addAll(List.of("--gid", r.gid().toString()));
            }
            argv.add(r.name());
            return new Change("create group " + r.name() + (r.gid() == null ? "" : " (gid " + r.gid() + ")"),
                    () -> run.check(TIMEOUT, argv));
        }
        if (r.gid() != null && r.gid() != group.gid()) {
            return new Change("group " + r.name() + ": gid " + group.gid() + " -> " + r.gid(),
                    () -> run.check(TIMEOUT, List.of("groupmod", "--gid", r.gid().toString(), r.name())));
        }
        return null;
    }
}
