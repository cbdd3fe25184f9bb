package io.labctl.provisioning.internal;

import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

public interface BastionEventMapper {
    String COLUMNS = "CAST(id AS TEXT) AS id, environment, bastion, mac, at, received, kind, detail";

    @Insert("<script>INSERT INTO bastion_events (id, environment, bastion, mac, at, received, kind, detail) VALUES"
            + "<foreach collection='rows' item='r' separator=','>(CAST(#{r.id} AS UUID), #{r.environment}, #{r.bastion},"
            + " #{r.mac}, #{r.at}, #{r.received}, #{r.kind}, #{r.detail})</foreach></script>")
    void insert(@Param("rows") List<BastionEventRow> rows);

    /** The newest {@code limit} from since on, newest first (the service turns them round). */
    @Select("<script>SELECT " + COLUMNS + " FROM bastion_events WHERE environment = #{environment}"
            + "<if test='mac != null'> AND mac = #{mac}</if><if test='since != null'> AND at &gt;= #{since}</if>"
            + " ORDER BY at DESC, id DESC LIMIT #{limit}</script>")
    List<BastionEventRow> newest(@Param("environment") String environment, @Param("mac") String mac,
                                 @Param("since") Instant since, @Param("limit") int limit);

    /** Stored from {@code from} on, oldest first: a follow's next rows (it skips those it already sent). */
    @Select("<script>SELECT " + COLUMNS + " FROM bastion_events WHERE environment = #{environment}"
            + "<if test='mac != null'> AND mac = #{mac}</if> AND received &gt;= #{from}"
            + " ORDER BY received, at, id LIMIT #{limit}</script>")
    List<BastionEventRow> storedFrom(@Param("environment") String environment, @Param("mac") String mac,
                                     @Param("from") Instant from, @Param("limit") int limit);

    @Select("SELECT EXISTS (SELECT 1 FROM bastion_events WHERE environment = #{environment})")
    boolean anyIn(@Param("environment") String environment);

    @Delete("DELETE FROM bastion_events WHERE received < #{before}")
    int deleteReceivedBefore(@Param("before") Instant before);

    /** The received time of the row {@code keep} places from the newest, if there are that many. */
    @Select("SELECT received FROM bastion_events ORDER BY received DESC LIMIT 1 OFFSET #{keep}")
    Instant receivedAt(@Param("keep") long keep);

    @Delete("DELETE FROM bastion_events WHERE received <= #{at}")
    int deleteReceivedUpTo(@Param("at") Instant at);

    @Select("SELECT count(*) FROM bastion_events")
    long count();
}
