package io.labctl.modules.internal;

import io.labctl.api.Identity;
import io.labctl.protocol.modules.RepoEntry;
import java.util.List;

/**
 * A run checked and recorded, ready to stream: everything that can be refused was refused before the first event.
 * action is what the agent does (plan, apply, remove); verb what the audit row says (module.apply, module.rollback,
 * module.remove, module.plan, module.converge, module.enforce); revision 0 for a dry run.
 */
record Prepared(Identity caller, String verb, String action, String module, String label, int revision,
                List<Target> targets, List<Notice> notices, int batchSize, int maxFailures) {

    /** A server the run touches: the module version it runs and the revision whose inputs it gets. */
    record Target(String server, RepoEntry entry, RevisionRow inputsFrom) {}

    /** A server the run does not touch, and why: type denied or excluded. */
    record Notice(String type, String server, String message) {}

    /** What an executed run did, and its one-line summary. */
    record Tallied(Rollout.Tally tally, String summary) {}

    List<String> servers() {
        return targets.stream().map(Target::server).toList();
    }
}
