package io.labctl.pulumi.internal;

import java.util.List;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

public interface RunMapper {
    String RUN = "id, kind, environment, cloud, project, app, username, program, digest, status, labd, started_at,"
            + " ended_at, changes, outputs, error, cancelled_by";

    /** 1 when inserted, 0 when another run of the stack is running (the lock). */
    @Insert("INSERT INTO pulumi_runs (id, kind, environment, cloud, project, app, username, program, digest, status,"
            + " labd) VALUES (#{id}, #{kind}, #{environment}, #{cloud}, #{project}, #{app}, #{username}, #{program},"
            + " #{digest}, 'running', #{labd})"
            + " ON CONFLICT (project, environment) WHERE status = 'running' DO NOTHING")
    int insertRun(RunRow row);

    /**
     * Who else has run the stack: '' when an earlier run was a program's and this one is an app's, the app's name when
     * an earlier run was that app's and this one is not; null when the stack is this run's owner's alone.
     */
    @Select("SELECT COALESCE(app, '') FROM pulumi_runs WHERE project = #{project} AND environment = #{env}"
            + " AND id <> #{id} AND app IS DISTINCT FROM #{app,jdbcType=VARCHAR} LIMIT 1")
    String otherOwner(@Param("project") String project, @Param("env") String environment, @Param("id") String id,
                      @Param("app") String app);

    @Select("SELECT " + RUN + " FROM pulumi_runs WHERE id = #{id}")
    RunRow run(@Param("id") String id);

    @Select("SELECT " + RUN + " FROM pulumi_runs WHERE project = #{project} AND environment = #{env}"
            + " AND status = 'running'")
    RunRow running(@Param("project") String project, @Param("env") String environment);

    @Select("<script>SELECT " + RUN + " FROM pulumi_runs <where>"
            + "<if test='env != null'>environment = #{env}</if>"
            + "<if test='app != null'> AND app = #{app}</if></where>"
            + " ORDER BY started_at DESC, id LIMIT #{limit}</script>")
    List<RunRow> runs(@Param("env") String environment, @Param("app") String app, @Param("limit") int limit);

    @Update("UPDATE pulumi_runs SET status = #{status}, ended_at = now(), changes = #{changes}, outputs = #{outputs},"
            + " error = #{error}, cancelled_by = #{cancelledBy} WHERE id = #{id} AND status = 'running'")
    int end(RunRow row);

    /** Runs this labd was driving when it stopped: nothing drives them any more. */
    @Update("UPDATE pulumi_runs SET status = 'failed', ended_at = now(), error = #{error}"
            + " WHERE labd = #{labd} AND status = 'running'")
    int abandon(@Param("labd") String labd, @Param("error") String error);

    @Insert("<script>INSERT INTO pulumi_run_lines (run_id, seq, line) VALUES"
            + "<foreach item='l' collection='lines' separator=','>(#{run}, #{l.seq}, #{l.text})</foreach></script>")
    int insertLines(@Param("run") String run, @Param("lines") List<io.labctl.protocol.pulumi.RunLine> lines);

    @Select("SELECT seq, line AS text FROM pulumi_run_lines WHERE run_id = #{run} AND seq > #{after}"
            + " ORDER BY seq LIMIT #{limit}")
    List<LineRow> lines(@Param("run") String run, @Param("after") long after, @Param("limit") int limit);

    @Insert("INSERT INTO pulumi_stacks (project, environment, sealed) VALUES (#{project}, #{env}, #{sealed})"
            + " ON CONFLICT (project, environment) DO NOTHING")
    int insertStack(@Param("project") String project, @Param("env") String environment, @Param("sealed") byte[] sealed);

    @Select("SELECT sealed, settings FROM pulumi_stacks WHERE project = #{project} AND environment = #{env}")
    StackRow stack(@Param("project") String project, @Param("env") String environment);

    /** A pulumi_stacks row (a byte[] result would read as many rows to MyBatis). */
    class StackRow {
        public byte[] sealed;
        public String settings;
    }

    @Update("UPDATE pulumi_stacks SET settings = #{settings} WHERE project = #{project} AND environment = #{env}")
    int saveSettings(@Param("project") String project, @Param("env") String environment,
                     @Param("settings") String settings);

    /** A pulumi_run_lines row. */
    class LineRow {
        public long seq;
        public String text;
    }
}
