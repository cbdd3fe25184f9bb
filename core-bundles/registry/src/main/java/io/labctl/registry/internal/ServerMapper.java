package io.labctl.registry.internal;

import java.util.Collection;
import java.util.List;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

public interface ServerMapper {
    String SELECT = "SELECT s.id, s.name, s.cloud, s.environment, s.role, s.labels, s.facts, s.last_seen, s.created_at,"
            + " a.enrolled_at, a.certificate_serial, a.certificate_expires, a.connected_via FROM servers s LEFT JOIN agents a ON a.server_id = s.id";

    @Select(SELECT + " ORDER BY s.name LIMIT 100000")
    List<ServerRow> all();

    @Select(SELECT + " WHERE s.name = #{name}")
    ServerRow byName(@Param("name") String name);

    @Select("SELECT count(*) FROM agents a JOIN servers s ON s.id = a.server_id WHERE s.name = #{name}")
    int agentCount(@Param("name") String name);

    /** A server may exist before its agent (planned by provisioning); enrolment fills what the token scopes. */
    @Insert("INSERT INTO servers (name, cloud, environment, role, labels) VALUES (#{name}, #{cloud}, #{environment}, #{role}, #{labels})"
            + " ON CONFLICT (name) DO UPDATE SET cloud = COALESCE(excluded.cloud, servers.cloud),"
            + " environment = COALESCE(excluded.environment, servers.environment), role = COALESCE(excluded.role, servers.role),"
            + " labels = servers.labels || excluded.labels")
    void upsertServer(@Param("name") String name, @Param("cloud") String cloud, @Param("environment") String environment,
                      @Param("role") String role, @Param("labels") String labels);

    @Insert("INSERT INTO agents (server_id, join_token_id, certificate_serial, certificate_expires)"
            + " SELECT id, #{tokenId}, #{serial}, #{expires} FROM servers WHERE name = #{name}")
    int insertAgent(@Param("name") String name, @Param("tokenId") String tokenId, @Param("serial") String serial,
                    @Param("expires") java.time.Instant expires);

    @Update("UPDATE agents SET certificate_serial = #{serial}, certificate_expires = #{expires}, renewed_at = now()"
            + " WHERE server_id = (SELECT id FROM servers WHERE name = #{name})")
    int renewAgent(@Param("name") String name, @Param("serial") String serial, @Param("expires") java.time.Instant expires);

    /** Which labd instance holds the agent's connection: state in the database, so every instance can tell. */
    @Update("UPDATE agents SET connected_via = #{instance} WHERE server_id = (SELECT id FROM servers WHERE name = #{name})")
    int connectedVia(@Param("name") String name, @Param("instance") String instance);

    @Update("UPDATE agents SET connected_via = NULL WHERE connected_via = #{instance}"
            + " AND server_id = (SELECT id FROM servers WHERE name = #{name})")
    int disconnectedFrom(@Param("name") String name, @Param("instance") String instance);

    @Update("UPDATE servers SET facts = #{facts}, last_seen = now() WHERE name = #{name}")
    int updateFacts(@Param("name") String name, @Param("facts") String facts);

    /** One statement per flush for every server heard from since the last one, not one write per heartbeat. */
    @Update("<script>UPDATE servers SET last_seen = now() WHERE name IN"
            + "<foreach item='n' collection='names' open='(' separator=',' close=')'>#{n}</foreach></script>")
    int touch(@Param("names") Collection<String> names);

    @Delete("DELETE FROM servers WHERE name = #{name}")
    int delete(@Param("name") String name);

    /** Servers of an environment, bastions (role bastion) or the others: how many. */
    @Select("SELECT count(*) FROM servers WHERE environment = #{env} AND (COALESCE(role, '') = 'bastion') = #{bastions}")
    long countIn(@Param("env") String environment, @Param("bastions") boolean bastions);

    /** Their first names, sorted. */
    @Select("SELECT name FROM servers WHERE environment = #{env} AND (COALESCE(role, '') = 'bastion') = #{bastions}"
            + " ORDER BY name LIMIT #{limit}")
    List<String> namesIn(@Param("env") String environment, @Param("bastions") boolean bastions, @Param("limit") int limit);
}
