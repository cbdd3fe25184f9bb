package io.labctl.pulumi.internal;

import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

public interface AppMapper {
    String REVISION = "v.app, v.environment, v.revision, v.kind, v.version, v.digest, v.cluster, v.input_values,"
            + " v.secret_keys, v.secret_values, v.rollback_of, v.run_id, v.username, v.created_at, r.status, r.cloud,"
            + " r.changes, r.outputs";

    /** The next revision number of the app in the environment (called while the stack's lock is held). */
    @Select("SELECT COALESCE(MAX(revision), 0) + 1 FROM pulumi_app_revisions WHERE app = #{app} AND environment = #{env}")
    int nextRevision(@Param("app") String app, @Param("env") String environment);

    @Insert("INSERT INTO pulumi_app_revisions (app, environment, revision, kind, version, digest, cluster, input_values,"
            + " secret_keys, secret_values, rollback_of, run_id, username) VALUES (#{app}, #{environment}, #{revision},"
            + " #{kind}, #{version}, #{digest}, #{cluster,jdbcType=VARCHAR}, #{inputValues}, #{secretKeys},"
            + " #{secretValues,jdbcType=BINARY}, #{rollbackOf,jdbcType=INTEGER}, #{runId}, #{username})")
    int insert(RevisionRow row);

    /** The app's revisions in the environment, newest first, with their runs' status, changes and outputs. */
    @Select("SELECT " + REVISION + " FROM pulumi_app_revisions v JOIN pulumi_runs r ON r.id = v.run_id"
            + " WHERE v.app = #{app} AND v.environment = #{env} ORDER BY v.revision DESC LIMIT #{limit}")
    List<RevisionRow> revisions(@Param("app") String app, @Param("env") String environment, @Param("limit") int limit);

    /** Every app's last revisions, by app and environment, newest first (for lists and repository usage). */
    @Select("<script>SELECT " + REVISION + " FROM pulumi_app_revisions v JOIN pulumi_runs r ON r.id = v.run_id"
            + "<if test='app != null'> WHERE v.app = #{app}</if>"
            + " ORDER BY v.app, v.environment, v.revision DESC LIMIT #{limit}</script>")
    List<RevisionRow> all(@Param("app") String app, @Param("limit") int limit);

    /** A pulumi_app_revisions row joined with its run. */
    class RevisionRow {
        public String app;
        public String environment;
        public int revision;
        public String kind;
        public String version;
        public String digest;
        public String cluster;
        public String inputValues;
        public String secretKeys;
        public byte[] secretValues;
        public Integer rollbackOf;
        public String runId;
        public String username;
        public Instant createdAt;
        public String status;
        public String cloud;
        public String changes;
        public String outputs;
    }
}
