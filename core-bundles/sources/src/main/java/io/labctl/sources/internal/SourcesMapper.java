package io.labctl.sources.internal;

import java.util.List;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

public interface SourcesMapper {
    String CREDENTIAL = "name, kind, sealed, created_by, created_at";
    String SOURCE = "name, kind, url, ref, credential, commit_id, version, sha256, added_by, added_at, updated_by, updated_at";
    String BUILD = "CAST(id AS TEXT) AS id, module, kind, url, ref, credential, commit_id, state, step, detail, version, sha256,"
            + " started_by, started_at, ended_at";

    /** 1 when inserted, 0 when the name is taken. */
    @Insert("INSERT INTO sources_credentials (name, kind, sealed, created_by) VALUES (#{name}, #{kind}, #{sealed},"
            + " #{createdBy}) ON CONFLICT (name) DO NOTHING")
    int insertCredential(CredentialRow row);

    @Select("SELECT " + CREDENTIAL + " FROM sources_credentials WHERE name = #{name}")
    CredentialRow credential(@Param("name") String name);

    @Select("SELECT " + CREDENTIAL + " FROM sources_credentials ORDER BY name")
    List<CredentialRow> credentials();

    @Delete("DELETE FROM sources_credentials WHERE name = #{name}")
    int deleteCredential(@Param("name") String name);

    @Select("SELECT name FROM sources_modules WHERE credential = #{name} ORDER BY name")
    List<String> sourcesUsing(@Param("name") String credential);

    @Select("SELECT " + SOURCE + " FROM sources_modules WHERE name = #{name}")
    SourceRow source(@Param("name") String name);

    @Select("SELECT " + SOURCE + " FROM sources_modules ORDER BY name")
    List<SourceRow> sources();

    @Insert("INSERT INTO sources_modules (name, kind, url, ref, credential, commit_id, version, sha256, added_by)"
            + " VALUES (#{name}, #{kind}, #{url}, #{ref}, #{credential}, #{commitId}, #{version}, #{sha256}, #{addedBy})")
    int insertSource(SourceRow row);

    /** 1 when removed, 0 when there is no such source or a build of it is running (it would record it again). */
    @Delete("DELETE FROM sources_modules WHERE name = #{name} AND NOT EXISTS (SELECT 1 FROM sources_builds"
            + " WHERE module = #{name} AND state = 'running')")
    int deleteSource(@Param("name") String name);

    @Update("UPDATE sources_modules SET commit_id = #{commitId}, version = #{version}, sha256 = #{sha256},"
            + " updated_by = #{updatedBy}, updated_at = now() WHERE name = #{name}")
    int updateSource(SourceRow row);

    /** 1 when inserted, 0 when a build of that module is running (the partial unique index). */
    @Insert("INSERT INTO sources_builds (id, module, kind, url, ref, credential, state, started_by)"
            + " VALUES (CAST(#{id} AS UUID), #{module}, #{kind}, #{url}, #{ref}, #{credential}, 'running', #{startedBy})"
            + " ON CONFLICT DO NOTHING")
    int insertBuild(BuildRow row);

    @Update("UPDATE sources_builds SET log = log || #{text} WHERE id = CAST(#{id} AS UUID)")
    int appendLog(@Param("id") String id, @Param("text") String text);

    @Update("UPDATE sources_builds SET commit_id = #{commit} WHERE id = CAST(#{id} AS UUID)")
    int setCommit(@Param("id") String id, @Param("commit") String commit);

    @Update("UPDATE sources_builds SET state = #{state}, step = #{step}, detail = #{detail}, version = #{version},"
            + " sha256 = #{sha256}, ended_at = now() WHERE id = CAST(#{id} AS UUID) AND state = 'running'")
    int endBuild(BuildRow row);

    /** Builds still 'running' long past any time limit: their labd stopped during them. */
    @Update("UPDATE sources_builds SET state = 'failed', step = 'build', detail = 'labd stopped during the build;"
            + " nothing was published', ended_at = now() WHERE state = 'running'"
            + " AND started_at < now() - CAST(#{seconds} || ' seconds' AS INTERVAL)")
    int expireRunning(@Param("seconds") long seconds);

    @Select("SELECT " + BUILD + ", log FROM sources_builds WHERE CAST(id AS TEXT) = #{id}")
    BuildRow build(@Param("id") String id);

    @Select("SELECT " + BUILD + ", '' AS log FROM sources_builds WHERE CAST(id AS TEXT) LIKE #{prefix} ORDER BY started_at LIMIT 2")
    List<BuildRow> buildsByPrefix(@Param("prefix") String prefix);

    @Select("SELECT " + BUILD + ", '' AS log FROM sources_builds WHERE module = #{module} ORDER BY started_at DESC LIMIT 1")
    BuildRow lastBuild(@Param("module") String module);
}
