package io.labctl.modules.internal;

import io.labctl.persistence.Database;
import io.labctl.persistence.Sessions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.ibatis.exceptions.PersistenceException;

/** The modules capability's tables. */
class ModuleStore {
    private final Sessions sessions;

    ModuleStore(Database database) {
        this.sessions = database.sessions(ModuleMapper.class);
    }

    /** Appends the module's next revision and returns its number (retried if another labd took the number first). */
    int addRevision(RevisionRow row) {
        for (int attempt = 1; ; attempt++) {
            try {
                row.revision = sessions.mapper(ModuleMapper.class, m -> m.insertRevision(row));
                return row.revision;
            } catch (PersistenceException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    List<RevisionRow> revisions(String module) {
        return sessions.mapper(ModuleMapper.class, m -> m.revisions(module));
    }

    Optional<RevisionRow> revision(String module, int revision) {
        return Optional.ofNullable(sessions.mapper(ModuleMapper.class, m -> m.revision(module, revision)));
    }

    /** Every assignment in force: the newest revision of each (module, selector) unless it removed the module. */
    List<RevisionRow> assignments() {
        return sessions.mapper(ModuleMapper.class, ModuleMapper::newestPerSelector).stream()
                .filter(r -> !r.action.equals(io.labctl.protocol.modules.AssignmentRevision.REMOVE)).toList();
    }

    boolean versionAssigned(String module, String version) {
        return sessions.mapper(ModuleMapper.class, m -> m.versionAssigned(module, version));
    }

    void setState(String module, String server, int revision, String version, String state, String detail) {
        StateRow row = new StateRow();
        row.module = module;
        row.server = server;
        row.revision = revision;
        row.version = version;
        row.state = state;
        row.detail = detail;
        sessions.mapper(ModuleMapper.class, m -> {
            m.upsertState(row);
            return null;
        });
    }

    void ran(String module, String server, String state, String detail, String runId, Instant at) {
        sessions.mapper(ModuleMapper.class, m -> m.ran(module, server, state, detail, runId, at));
    }

    /**
     * A drift check's finding. Its commit does not wait for the disk: the row only says what the agent answered last,
     * and a crash that loses it leaves the previous finding until the next check; the check's audit row is written
     * the same way, as reads are. Runs, revisions and assignments are flushed.
     */
    void checked(String module, String server, String state, String detail, Instant at) {
        sessions.mapper(ModuleMapper.class, m -> {
            m.commitWithoutWaitingForFlush();
            return m.checked(module, server, state, detail, at);
        });
    }

    List<StateRow> states() {
        return sessions.mapper(ModuleMapper.class, ModuleMapper::states);
    }

    Optional<StateRow> state(String module, String server) {
        return Optional.ofNullable(sessions.mapper(ModuleMapper.class, m -> m.state(module, server)));
    }

    void forget(String module, String server) {
        sessions.mapper(ModuleMapper.class, m -> m.forget(module, server));
    }

    void startRun(RunRow row) {
        sessions.mapper(ModuleMapper.class, m -> {
            m.insertRun(row);
            return null;
        });
    }

    void endRun(String id, String status, Instant ended, String reportJson) {
        sessions.mapper(ModuleMapper.class, m -> m.endRun(id, status, ended, reportJson));
    }

    /** Forgets a run that never reached an agent (the server was not connected here). */
    void dropUnstarted(String id) {
        sessions.mapper(ModuleMapper.class, m -> m.deleteRunning(id));
    }

    List<RunRow> runningOn(String labd) {
        return sessions.mapper(ModuleMapper.class, m -> m.runningOn(labd));
    }

    void interrupted(String module, String server, String runId, String detail, Instant at) {
        sessions.mapper(ModuleMapper.class, m -> m.interrupted(module, server, runId, detail, at));
    }

    void notStarted(String module, int revision, String waiting, String detail) {
        sessions.mapper(ModuleMapper.class, m -> m.notStarted(module, revision, waiting, detail));
    }

    Optional<RunRow> run(String id) {
        return Optional.ofNullable(sessions.mapper(ModuleMapper.class, m -> m.run(id)));
    }
}
