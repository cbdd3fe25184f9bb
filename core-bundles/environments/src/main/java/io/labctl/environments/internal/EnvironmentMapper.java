package io.labctl.environments.internal;

import java.util.List;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

public interface EnvironmentMapper {
    String ENVIRONMENT = "name, cloud, created_by, created_at";

    @Select("SELECT " + ENVIRONMENT + " FROM env_environments WHERE name = #{name}")
    EnvironmentRow environment(@Param("name") String name);

    @Select("SELECT " + ENVIRONMENT + " FROM env_environments ORDER BY name")
    List<EnvironmentRow> environments();

    /** 1 when inserted, 0 when the name is taken (under any cloud). */
    @Insert("INSERT INTO env_environments (name, cloud, created_by) VALUES (#{name}, #{cloud}, #{createdBy})"
            + " ON CONFLICT (name) DO NOTHING")
    int insertEnvironment(@Param("name") String name, @Param("cloud") String cloud, @Param("createdBy") String createdBy);

    @Delete("DELETE FROM env_environments WHERE name = #{name}")
    int deleteEnvironment(@Param("name") String name);

    @Select("SELECT name, builtin FROM env_clouds ORDER BY name")
    List<CloudRow> clouds();

    @Select("SELECT name, builtin FROM env_clouds WHERE name = #{name}")
    CloudRow cloud(@Param("name") String name);

    @Insert("INSERT INTO env_clouds (name) VALUES (#{name}) ON CONFLICT (name) DO NOTHING")
    int insertCloud(@Param("name") String name);

    /** A cloud someone made goes with its last environment; baremetal and local stay. */
    @Delete("DELETE FROM env_clouds c WHERE c.name = #{name} AND NOT c.builtin"
            + " AND NOT EXISTS (SELECT 1 FROM env_environments e WHERE e.cloud = c.name)")
    int deleteCloudIfEmpty(@Param("name") String name);

    /** 1 for the one caller that runs this pass, 0 when it ran before (or runs now on another labd). */
    @Insert("INSERT INTO env_adoptions (pass) VALUES (#{pass}) ON CONFLICT (pass) DO NOTHING")
    int startAdoption(@Param("pass") String pass);

    @Insert("UPDATE env_adoptions SET adopted = #{adopted}, notes = #{notes} WHERE pass = #{pass}")
    int finishAdoption(@Param("pass") String pass, @Param("adopted") int adopted, @Param("notes") String notes);

    @Select("SELECT to_regclass(#{table}) IS NOT NULL")
    boolean tableExists(@Param("table") String table);

    /** How many of the columns the table (in the current schema) has. */
    @Select("<script>SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema()"
            + " AND table_name = #{table} AND column_name IN"
            + " <foreach item='c' collection='columns' open='(' separator=',' close=')'>#{c}</foreach></script>")
    int columnsOf(@Param("table") String table, @Param("columns") List<String> columns);

    /**
     * The pairs a table of another capability uses. table and cloud column come from this bundle's constants only
     * (never from input); a missing cloud becomes the default given.
     */
    @Select("SELECT COALESCE(NULLIF(${cloudColumn}, ''), #{defaultCloud}) AS cloud, environment, count(*) AS uses"
            + " FROM ${table} WHERE environment IS NOT NULL AND environment <> ''"
            + " GROUP BY 1, 2")
    List<UsedPair> usedPairs(@Param("table") String table, @Param("cloudColumn") String cloudColumn,
            @Param("defaultCloud") String defaultCloud);
}
