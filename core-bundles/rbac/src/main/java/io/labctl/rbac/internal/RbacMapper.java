package io.labctl.rbac.internal;

import io.labctl.rbac.internal.RbacRows.BindingRow;
import io.labctl.rbac.internal.RbacRows.RoleRow;
import io.labctl.rbac.internal.RbacRows.RuleRow;
import io.labctl.rbac.internal.RbacRows.UserRow;
import java.util.List;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/** users, roles, permissions, user_roles and rbac_generation; SQL that PostgreSQL and CockroachDB both run. */
public interface RbacMapper {
    String USER_COLUMNS = "id, username, cert_fingerprint, created_at, created_by";
    String ROLE_COLUMNS = "id, name, description, builtin, created_at, created_by, log_paths";

    /** Read afresh each time: the snapshot loader reads it before and after the rules in one session. */
    @Select("SELECT generation FROM rbac_generation WHERE id = 1")
    @Options(flushCache = Options.FlushCachePolicy.TRUE, useCache = false)
    Long generation();

    /**
     * Every change runs this first: the row lock it takes orders concurrent changes, so the checks that follow
     * (exists, last admin binding) see every change committed before.
     */
    @Update("INSERT INTO rbac_generation (id, generation) VALUES (1, 1)"
            + " ON CONFLICT (id) DO UPDATE SET generation = rbac_generation.generation + 1")
    int bump();

    // ---- snapshot and listings

    @Select("SELECT " + USER_COLUMNS + " FROM users ORDER BY username")
    List<UserRow> users();

    @Select("SELECT " + ROLE_COLUMNS + " FROM roles ORDER BY name")
    List<RoleRow> roles();

    @Select("SELECT r.name AS role, p.effect, p.permission FROM permissions p JOIN roles r ON r.id = p.role_id"
            + " ORDER BY r.name, p.effect DESC, p.permission")
    List<RuleRow> rules();

    @Select("SELECT u.username, r.name AS role FROM user_roles ur JOIN users u ON u.id = ur.user_id"
            + " JOIN roles r ON r.id = ur.role_id ORDER BY u.username, r.name")
    List<BindingRow> bindings();

    // ---- single rows

    @Select("SELECT " + USER_COLUMNS + " FROM users WHERE username = #{name}")
    UserRow user(@Param("name") String name);

    /** The user's row, locked until the transaction ends: a deletion and a renewal of one user take turns. */
    @Select("SELECT " + USER_COLUMNS + " FROM users WHERE username = #{name} FOR UPDATE")
    UserRow lockUser(@Param("name") String name);

    @Select("SELECT " + ROLE_COLUMNS + " FROM roles WHERE name = #{name}")
    RoleRow role(@Param("name") String name);

    @Select("SELECT r.name AS role, p.effect, p.permission FROM permissions p JOIN roles r ON r.id = p.role_id"
            + " WHERE r.name = #{role} ORDER BY p.effect DESC, p.permission")
    List<RuleRow> rulesOf(@Param("role") String role);

    @Select("SELECT r.name FROM user_roles ur JOIN users u ON u.id = ur.user_id JOIN roles r ON r.id = ur.role_id"
            + " WHERE u.username = #{user} ORDER BY r.name")
    List<String> roleNamesOf(@Param("user") String user);

    @Select("SELECT count(*) FROM user_roles WHERE role_id = #{roleId}")
    long bindingCount(@Param("roleId") String roleId);

    @Select("SELECT count(*) FROM user_roles WHERE user_id = #{userId} AND role_id = #{roleId}")
    long bound(@Param("userId") String userId, @Param("roleId") String roleId);

    // ---- changes

    @Insert("INSERT INTO users (id, username, cert_fingerprint, created_by) VALUES (#{id}, #{name}, #{fingerprint},"
            + " #{createdBy}) ON CONFLICT DO NOTHING")
    int insertUser(@Param("id") String id, @Param("name") String name, @Param("fingerprint") String fingerprint,
                   @Param("createdBy") String createdBy);

    @Insert("INSERT INTO roles (id, name, description, builtin, created_by, log_paths) VALUES (#{id}, #{name},"
            + " #{description}, #{builtin}, #{createdBy}, #{logPaths}) ON CONFLICT DO NOTHING")
    int insertRole(@Param("id") String id, @Param("name") String name, @Param("description") String description,
                   @Param("builtin") boolean builtin, @Param("createdBy") String createdBy,
                   @Param("logPaths") String logPaths);

    @Insert("INSERT INTO permissions (role_id, effect, permission) VALUES (#{roleId}, #{effect}, #{permission})")
    int insertRule(@Param("roleId") String roleId, @Param("effect") String effect, @Param("permission") String permission);

    @Insert("INSERT INTO user_roles (user_id, role_id) VALUES (#{userId}, #{roleId}) ON CONFLICT DO NOTHING")
    int insertBinding(@Param("userId") String userId, @Param("roleId") String roleId);

    @Delete("DELETE FROM users WHERE id = #{id}")
    int deleteUser(@Param("id") String id);

    @Delete("DELETE FROM roles WHERE id = #{id}")
    int deleteRole(@Param("id") String id);

    @Delete("DELETE FROM user_roles WHERE user_id = #{userId} AND role_id = #{roleId}")
    int deleteBinding(@Param("userId") String userId, @Param("roleId") String roleId);
}
