package io.labctl.ca.internal;

import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

/**
 * MyBatis mapper over {@code certificates}. Revocations are UPDATE ... RETURNING (PostgreSQL and CockroachDB both
 * have it), declared as @Select because they return rows; the cache is bypassed so they always run.
 */
public interface CertificateMapper {

    @Insert("INSERT INTO certificates (serial, kind, subject_name, not_before, not_after, fingerprint) "
            + "VALUES (#{serial}, #{kind}, #{subjectName}, #{notBefore}, #{notAfter}, #{fingerprint})")
    int insert(CertificateRow row);

    @Select("UPDATE certificates SET revoked_at = COALESCE(revoked_at, #{at}), "
            + "revoke_reason = COALESCE(revoke_reason, #{reason}) WHERE serial = #{serial} RETURNING serial, not_after")
    @Options(flushCache = Options.FlushCachePolicy.TRUE, useCache = false)
    RevokedRow revoke(@Param("serial") String serial, @Param("reason") String reason, @Param("at") Instant at);

    @Select("UPDATE certificates SET revoked_at = #{at}, revoke_reason = #{reason} "
            + "WHERE kind = #{kind} AND subject_name = #{subjectName} AND revoked_at IS NULL RETURNING serial, not_after")
    @Options(flushCache = Options.FlushCachePolicy.TRUE, useCache = false)
    List<RevokedRow> revokeAll(@Param("kind") String kind, @Param("subjectName") String subjectName,
                               @Param("reason") String reason, @Param("at") Instant at);

    @Select("SELECT serial, not_after FROM certificates WHERE revoked_at IS NOT NULL AND not_after > #{now}")
    @Options(useCache = false, flushCache = Options.FlushCachePolicy.TRUE)
    List<RevokedRow> revokedUnexpired(@Param("now") Instant now);

    @Select("SELECT serial, kind, subject_name, not_before, not_after, fingerprint, revoked_at, revoke_reason "
            + "FROM certificates WHERE kind = #{kind} AND subject_name = #{subjectName} "
            + "ORDER BY not_before DESC, created_at DESC")
    List<CertificateRow> certificatesOf(@Param("kind") String kind, @Param("subjectName") String subjectName);
}
