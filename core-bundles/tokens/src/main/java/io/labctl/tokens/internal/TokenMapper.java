package io.labctl.tokens.internal;

import java.util.List;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

public interface TokenMapper {
    String COLUMNS = "id, secret_hash, reusable, cloud, environment, role, labels, server_name, description, created_by,"
            + " created_at, expires_at, uses, last_used_at, revoked_at";

    @Insert("INSERT INTO join_tokens (id, secret_hash, reusable, cloud, environment, role, labels, server_name, description,"
            + " created_by, expires_at) VALUES (#{id}, #{secretHash}, #{reusable}, #{cloud}, #{environment}, #{role},"
            + " #{labels}, #{serverName}, #{description}, #{createdBy}, #{expiresAt})")
    void insert(TokenRow row);

    @Select("SELECT " + COLUMNS + " FROM join_tokens WHERE id = #{id}")
    TokenRow byId(@Param("id") String id);

    @Select("SELECT " + COLUMNS + " FROM join_tokens WHERE replace(CAST(id AS TEXT), '-', '') LIKE #{prefix} ORDER BY created_at LIMIT 2")
    List<TokenRow> byPrefix(@Param("prefix") String prefix);

    @Select("SELECT " + COLUMNS + " FROM join_tokens ORDER BY created_at DESC LIMIT 10000")
    List<TokenRow> all();

    /** The atomic consume: only one of two racing enrolments matches the uses = 0 condition. */
    @Update("UPDATE join_tokens SET uses = uses + 1, last_used_at = now() WHERE id = #{id} AND revoked_at IS NULL"
            + " AND (expires_at IS NULL OR expires_at > now()) AND (reusable OR uses = 0)")
    int consume(@Param("id") String id);

    @Update("UPDATE join_tokens SET revoked_at = now() WHERE id = #{id} AND revoked_at IS NULL")
    int revoke(@Param("id") String id);
}
