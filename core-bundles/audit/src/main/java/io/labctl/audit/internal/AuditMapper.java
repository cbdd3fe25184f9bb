package io.labctl.audit.internal;

import java.util.List;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Update;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.ResultType;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.mapping.ResultSetType;
import org.apache.ibatis.session.ResultHandler;

public interface AuditMapper {
    String COLUMNS = "instance, seq, at, username, session_id, source, action, resource, result, duration_ms, error,"
            + " detail, detail_sha256, prev_hash, hash";

    /** This transaction's commit does not wait for the disk flush (PostgreSQL; ends with the transaction). */
    @Update("SET LOCAL synchronous_commit TO OFF")
    void commitWithoutWaitingForFlush();

    /** One statement for a whole batch: the writer's rows reach the server in one round trip. */
    @Insert("<script>INSERT INTO audit_log (" + COLUMNS + ") VALUES <foreach collection='rows' item='r' separator=','>"
            + "(#{r.instance}, #{r.seq}, #{r.at}, #{r.username,jdbcType=VARCHAR}, #{r.sessionId,jdbcType=VARCHAR},"
            + " #{r.source,jdbcType=VARCHAR}, #{r.action}, #{r.resource,jdbcType=VARCHAR}, #{r.result},"
            + " #{r.durationMs,jdbcType=BIGINT}, #{r.error,jdbcType=VARCHAR}, #{r.detail,jdbcType=VARCHAR},"
            + " #{r.detailSha256,jdbcType=VARCHAR}, #{r.prevHash,jdbcType=VARCHAR}, #{r.hash})"
            + "</foreach></script>")
    int insert(@Param("rows") List<AuditRow> rows);

    @Select("SELECT " + COLUMNS + " FROM audit_log WHERE instance = #{instance} ORDER BY seq DESC LIMIT 1")
    AuditRow last(@Param("instance") String instance);

    /** Newest matching rows first; the service turns them back into time order. Spaces around each clause: the
     *  fragments are joined as they are, and "?AND" is a syntax error. */
    @Select("<script>SELECT " + COLUMNS + " FROM audit_log"
            + "<where>"
            + "<if test='user != null'> AND username = #{user} </if>"
            + "<if test='actionLike != null'> AND action LIKE #{actionLike} ESCAPE '!' </if>"
            + "<if test='since != null'> AND at &gt;= #{since} </if>"
            + "<if test='sessions != null'><foreach collection='sessions' item='s' open=' AND (' separator=' OR ' close=')'>("
            + "<choose><when test='s.user == null'>username IS NULL</when><otherwise>username = #{s.user}</otherwise></choose>"
            + " AND <choose><when test='s.sessionId == null'>session_id IS NULL</when><otherwise>session_id = #{s.sessionId}</otherwise></choose>"
            + " AND at &gt;= #{s.from} AND at &lt; #{s.to})</foreach></if>"
            + "</where>"
            + " ORDER BY at DESC, instance DESC, seq DESC LIMIT #{limit}</script>")
    List<AuditRow> query(QueryParams params);

    /** Every chain in order, streamed: the driver fetches in pages inside a transaction. */
    @Select("SELECT " + COLUMNS + " FROM audit_log ORDER BY instance, seq")
    @Options(fetchSize = 1000, resultSetType = ResultSetType.FORWARD_ONLY)
    @ResultType(AuditRow.class)
    void walk(ResultHandler<AuditRow> handler);
}
