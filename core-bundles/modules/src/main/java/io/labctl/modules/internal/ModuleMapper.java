package io.labctl.modules.internal;

import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

public interface ModuleMapper {
    String REVISION = "module, revision, version, selector, CAST(inputs AS TEXT) AS inputs, enforce, action, created_by, created_at";
    String STATE = "module, server, revision, version, state, CAST(last_run_id AS TEXT) AS last_run_id, last_run, last_check, detail";
    String RUN = "CAST(id AS TEXT) AS id, server, module, version, revision, action, status, created_by, started, ended,"
            + " CAST(report AS TEXT) AS report, labd";

    /**
     * The atomic numbering: the next revision of the module in one statement; two racing inserts cannot both take a
     * number (the second breaks the primary key and is retried by the caller).
     */
    @Select("INSERT INTO module_revisions (module, revision, version, selector, inputs, enforce, action, created_by)"
            + " SELECT #{module}, COALESCE(MAX(revision), 0) + 1, #{version}, #{selector}, CAST(#{inputs} AS JSONB),"
            + " #{enforce}, #{action}, #{createdBy} FROM module_revisions WHERE module = #{module} RETURNING revision")
    int insertRevision(RevisionRow row);

    @Select("SELECT " + REVISION + " FROM module_revisions WHERE module = #{module} ORDER BY revision")
    List<RevisionRow> revisions(@Param("module") String module);

    @Select("SELECT " + REVISION + " FROM module_revisions WHERE module = #{module} AND revision = #{revision}")
    RevisionRow revision(@Param("module") String module, @Param("revision") int revision);

    /** The newest revision of every (module, selector): an assignment, ended if its action is remove. */
    @Select("SELECT " + REVISION + " FROM module_revisions r WHERE revision = (SELECT MAX(revision) FROM module_revisions"
            + " x WHERE x.module = r.module AND x.selector = r.selector) ORDER BY module, revision")
    List<RevisionRow> newestPerSelector();

    @Select("SELECT COUNT(*) > 0 FROM module_revisions r WHERE module = #{module} AND version = #{version} AND action <> 'remove'"
            + " AND revision = (SELECT MAX(revision) FROM module_revisions x WHERE x.module = r.module AND x.selector = r.selector)")
    boolean versionAssigned(@Param("module") String module, @Param("version") String version);

    @Insert("INSERT INTO module_servers (module, server, revision, version, state, detail) VALUES (#{module}, #{server},"
            + " #{revision}, #{version}, #{state}, #{detail}) ON CONFLICT (module, server) DO UPDATE SET revision ="
            + " EXCLUDED.revision, version = EXCLUDED.version, state = EXCLUDED.state, detail = EXCLUDED.detail")
    void upsertState(StateRow row);

    @Update("UPDATE module_servers SET state = #{state}, detail = #{detail}, last_run_id = CAST(#{runId} AS UUID),"
            + " last_run = #{at}, last_check = #{at} WHERE module = #{module} AND server = #{server}")
    int ran(@Param("module") String module, @Param("server") String server, @Param("state") String state,
            @Param("detail") String detail, @Param("runId") String runId, @Param("at") Instant at);

    /** This transaction's commit does not wait for the disk flush (PostgreSQL; ends with the transaction). */
    @Update("SET LOCAL synchronous_commit TO OFF")
    void commitWithoutWaitingForFlush();

    @Update("UPDATE module_servers SET state = #{state}, detail = #{detail}, last_check = #{at}"
            + " WHERE module = #{module} AND server = #{server}")
    int checked(@Param("module") String module, @Param("server") String server, @Param("state") String state,
                @Param("detail") String detail, @Param("at") Instant at);

    @Select("SELECT " + STATE + " FROM module_servers ORDER BY module, server")
    List<StateRow> states();

    @Select("SELECT " + STATE + " FROM module_servers WHERE module = #{module} AND server = #{server}")
    StateRow state(@Param("module") String module, @Param("server") String server);

    @Delete("DELETE FROM module_servers WHERE module = #{module} AND server = #{server}")
    int forget(@Param("module") String module, @Param("server") String server);

    @Insert("INSERT INTO module_runs (id, server, module, version, revision, action, status, created_by, started, labd)"
            + " VALUES (CAST(#{id} AS UUID), #{server}, #{module}, #{version}, #{revision}, #{action}, #{status},"
            + " #{createdBy}, #{started}, #{labd})")
    void insertRun(RunRow row);

    @Delete("DELETE FROM module_runs WHERE id = CAST(#{id} AS UUID) AND status = 'running'")
    int deleteRunning(@Param("id") String id);

    @Select("SELECT " + RUN + " FROM module_runs WHERE status = 'running' AND labd = #{labd} ORDER BY started")
    List<RunRow> runningOn(@Param("labd") String labd);

    /** A run that ended without its end recorded: the state says so, and the next check (due at once) re-plans it. */
    @Update("UPDATE module_servers SET state = 'failed', detail = #{detail}, last_run_id = CAST(#{runId} AS UUID),"
            + " last_run = #{at}, last_check = NULL WHERE module = #{module} AND server = #{server}")
    int interrupted(@Param("module") String module, @Param("server") String server, @Param("runId") String runId,
                    @Param("detail") String detail, @Param("at") Instant at);

    /** Servers of a rollout that had not started when it was interrupted: still held, and now they say why. */
    @Update("UPDATE module_servers SET detail = #{detail} WHERE module = #{module} AND revision = #{revision}"
            + " AND state = 'held' AND detail = #{waiting}")
    int notStarted(@Param("module") String module, @Param("revision") int revision, @Param("waiting") String waiting,
                   @Param("detail") String detail);

    @Update("UPDATE module_runs SET status = #{status}, ended = #{ended}, report = CAST(#{report} AS JSONB)"
            + " WHERE id = CAST(#{id} AS UUID)")
    int endRun(@Param("id") String id, @Param("status") String status, @Param("ended") Instant ended,
               @Param("report") String report);

    @Select("SELECT " + RUN + " FROM module_runs WHERE id = CAST(#{id} AS UUID)")
    RunRow run(@Param("id") String id);
}
